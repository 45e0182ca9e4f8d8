import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { RequestHandler } from './$types';
import { requireUser } from '$lib/server/auth';
import * as results from '$lib/server/results';
import { idParam, notFound } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

/** The survey's raw responses as CSV, streamed batch by batch (one row per response). */
export const GET: RequestHandler = async (event) => {
	requireUser(event);
	const surveyId = idParam(event.params.surveyId);
	const db = runtime.db();
	try {
		await results.surveyInfo(db, surveyId);
	} catch (e) {
		notFound(e);
	}
	const csv = Readable.from(results.exporter.csvRows(db, surveyId)).pipe(stringify({ bom: true }));
	return new Response(Readable.toWeb(csv) as ReadableStream, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="survey-${surveyId}-responses.csv"`,
			'Cache-Control': 'private, no-store'
		}
	});
};
