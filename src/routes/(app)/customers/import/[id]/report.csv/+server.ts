import { error, type RequestHandler } from '@sveltejs/kit';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { requireRole } from '$lib/server/auth';
import { imports } from '$lib/server/customers';
import * as runtime from '$lib/server/runtime';

/** The rejected rows of an import as CSV: row, column, reason. */
export const GET: RequestHandler = async (event) => {
	requireRole(event, 'editor');
	const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(event.params.id);
	if (!id.success) error(404, 'We could not find that import.');
	const db = runtime.db();
	if (!(await imports.get(db, id.data))) error(404, 'We could not find that import.');
	const rows = await imports.errorRows(db, id.data);
	// a leading =, +, - or @ would run as a formula in a spreadsheet
	const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
	const body = stringify([
		['row', 'column', 'reason'],
		...rows.map((r) => [String(r.row_number), safe(r.column_name), safe(r.reason)])
	]);
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="import-${id.data}-errors.csv"`
		}
	});
};
