import type { LayoutServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import * as results from '$lib/server/results';
import { idParam, notFound } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

export const load: LayoutServerLoad = async (event) => {
	requireUser(event);
	const id = idParam(event.params.surveyId);
	try {
		return { survey: await results.surveyInfo(runtime.db(), id) };
	} catch (e) {
		notFound(e);
	}
};
