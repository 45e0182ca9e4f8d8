import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireUser, sessions } from '$lib/server/auth';
import * as runtime from '$lib/server/runtime';
import * as ratelimit from '$lib/server/ratelimit';
import * as reports from '$lib/server/reports';
import * as results from '$lib/server/results';
import { filtersQuery, parseFilters } from '$lib/schemas/results';
import { paperSchema } from '$lib/schemas/reports';
import { fileName } from '$lib/reports/files';

const PDF_LIMIT = { max: 10, windowSeconds: 10 * 60 };

// The dashboard (with its filters) as a PDF, printed by headless Chromium from the print route.
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	const id = Number(event.params.surveyId);
	if (!Number.isSafeInteger(id) || id <= 0) error(404, 'We could not find that survey.');
	const db = runtime.db();
	let title: string;
	try {
		title = (await results.surveyInfo(db, id)).title;
	} catch (e) {
		if (e instanceof results.SurveyNotFoundError) error(404, 'We could not find that survey.');
		throw e;
	}
	if (!reports.pdf.available())
		error(503, 'PDF reports are not available on this server: it has no Chromium to print them.');
	const limit = await ratelimit.hit(db, `report-pdf:${user.id}`, PDF_LIMIT);
	if (!limit.allowed)
		error(429, `Too many PDF reports at once: try again in ${limit.retryAfterSeconds} seconds.`);
	const { filters } = parseFilters(event.url.searchParams);
	delete filters.compare;
	const paper = paperSchema.parse(event.url.searchParams.get('paper') ?? 'A4');
	const origin = reports.pdf.printOrigin(event.url.origin);
	try {
		const pdf = await reports.pdf.render({
			url: `${origin}/reports/${id}/print${filtersQuery(filters, { paper })}`,
			cookies: event.locals.sessionToken
				? [{ name: sessions.SESSION_COOKIE, value: event.locals.sessionToken }]
				: [],
			format: paper,
			title
		});
		return new Response(new Uint8Array(pdf), {
			headers: {
				'Content-Type': 'application/pdf',
				'Content-Disposition': `attachment; filename="${fileName(title, 'pdf')}"`,
				'Cache-Control': 'private, no-store'
			}
		});
	} catch (e) {
		if (e instanceof reports.pdf.PdfUnavailableError) error(503, e.message);
		console.error('[reports] PDF failed:', e);
		error(502, 'The PDF could not be made just now. Try again, or use the print view.');
	}
};
