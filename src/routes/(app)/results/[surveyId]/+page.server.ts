import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import { parseFilters } from '$lib/schemas/results';
import * as results from '$lib/server/results';
import { idParam, notFound } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const id = idParam(event.params.surveyId);
	const { filters, problems } = parseFilters(event.url.searchParams);
	try {
		return { view: await results.dashboardView(runtime.db(), id, filters, problems) };
	} catch (e) {
		notFound(e);
	}
};
