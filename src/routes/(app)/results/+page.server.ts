import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import * as results from '$lib/server/results';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	return { surveys: await results.surveysWithResults(runtime.db()) };
};
