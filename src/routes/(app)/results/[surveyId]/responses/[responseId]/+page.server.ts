import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import * as results from '$lib/server/results';
import { idParam } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const surveyId = idParam(event.params.surveyId);
	const responseId = idParam(event.params.responseId);
	const detail = await results.exporter.responseDetail(runtime.db(), surveyId, responseId);
	if (!detail) error(404, 'That response is not part of this survey.');
	return { detail };
};
