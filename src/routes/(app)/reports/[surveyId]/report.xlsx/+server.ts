import { error } from '@sveltejs/kit';
import { Readable } from 'node:stream';
import type { RequestHandler } from './$types';
import { requireUser } from '$lib/server/auth';
import * as runtime from '$lib/server/runtime';
import * as reports from '$lib/server/reports';
import * as results from '$lib/server/results';
import { parseFilters } from '$lib/schemas/results';
import { fileName } from '$lib/reports/files';

// Raw responses (the CSV export's columns) and the topic summary as one XLSX workbook, streamed.
export const GET: RequestHandler = async (event) => {
	requireUser(event);
	const id = Number(event.params.surveyId);
	if (!Number.isSafeInteger(id) || id <= 0) error(404, 'We could not find that survey.');
	const db = runtime.db();
	const { filters } = parseFilters(event.url.searchParams);
	let report;
	try {
		report = await reports.build(db, id, { filters, commentLimit: 0 });
	} catch (e) {
		if (e instanceof results.SurveyNotFoundError) error(404, 'We could not find that survey.');
		if (e instanceof results.UnknownSegmentError) error(400, e.message);
		throw e;
	}
	const body = reports.xlsx.stream({ report, responses: await reports.responseRows(db, id) });
	return new Response(Readable.toWeb(body) as ReadableStream, {
		headers: {
			'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'Content-Disposition': `attachment; filename="${fileName(report.survey.title, 'xlsx')}"`,
			'Cache-Control': 'private, no-store'
		}
	});
};
