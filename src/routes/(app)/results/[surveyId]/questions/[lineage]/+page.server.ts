import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import { lineageSchema } from '$lib/schemas/survey';
import { parseFilters } from '$lib/schemas/results';
import * as results from '$lib/server/results';
import { idParam, notFound } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const surveyId = idParam(event.params.surveyId);
	const lineage = lineageSchema.safeParse(event.params.lineage);
	if (!lineage.success) error(404, 'We could not find that question.');
	const { filters, problems } = parseFilters(event.url.searchParams);
	try {
		return {
			detail: await results.questionDetail(runtime.db(), surveyId, lineage.data, filters),
			filters,
			problems
		};
	} catch (e) {
		if (e instanceof results.UnknownSegmentError) {
			const rest = { ...filters, segment: undefined };
			return {
				detail: await results.questionDetail(runtime.db(), surveyId, lineage.data, rest),
				filters: rest,
				problems: [...problems, e.message]
			};
		}
		notFound(e);
	}
};
