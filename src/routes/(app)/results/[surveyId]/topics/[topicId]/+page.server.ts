import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import { parseFilters } from '$lib/schemas/results';
import * as results from '$lib/server/results';
import { idParam, notFound } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const surveyId = idParam(event.params.surveyId);
	const topicId = idParam(event.params.topicId);
	const { filters, problems } = parseFilters(event.url.searchParams);
	try {
		return {
			detail: await results.topicDetail(runtime.db(), surveyId, topicId, filters),
			filters,
			problems
		};
	} catch (e) {
		if (e instanceof results.UnknownSegmentError) {
			const rest = { ...filters, segment: undefined };
			return {
				detail: await results.topicDetail(runtime.db(), surveyId, topicId, rest),
				filters: rest,
				problems: [...problems, e.message]
			};
		}
		notFound(e);
	}
};
