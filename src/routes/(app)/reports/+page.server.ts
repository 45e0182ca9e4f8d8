import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import * as runtime from '$lib/server/runtime';
import * as reports from '$lib/server/reports';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	return { surveys: await reports.subscriptions.subscribableSurveys(runtime.db()) };
};
