import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import * as runtime from '$lib/server/runtime';
import * as reports from '$lib/server/reports';
import * as results from '$lib/server/results';
import { parseFilters } from '$lib/schemas/results';
import { paperSchema } from '$lib/schemas/reports';

// The print-styled report: what the PDF download prints with headless Chromium, and what a user
// can print from their own browser.
export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const id = Number(event.params.surveyId);
	if (!Number.isSafeInteger(id) || id <= 0) error(404, 'We could not find that survey.');
	const { filters } = parseFilters(event.url.searchParams);
	try {
		const report = await reports.build(runtime.db(), id, { filters });
		return { report, paper: paperSchema.parse(event.url.searchParams.get('paper') ?? 'A4') };
	} catch (e) {
		if (e instanceof results.SurveyNotFoundError) error(404, 'We could not find that survey.');
		if (e instanceof results.UnknownSegmentError) error(400, e.message);
		throw e;
	}
};
