import type { DbOrTrx } from '../db';
import * as results from '../results';
import type { Cell, ResponseRows } from './xlsx';

// Reporting that travels: digests by e-mail, PDF and XLSX downloads (docs/architecture.md).
export { build, type BuildOptions } from './data';
export { render as renderDigest, type DigestOptions, type RenderedDigest } from './digest';
export * as digests from './digests';
export * as subscriptions from './subscriptions';
export * as pdf from './pdf';
export * as xlsx from './xlsx';

const NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d+)?$/;

/**
 * The raw responses for the XLSX export: exactly the results CSV export's header and cells, with
 * answer cells that are plain numbers written as numbers (fixed columns stay text).
 */
export async function responseRows(db: DbOrTrx, surveyId: number): Promise<ResponseRows> {
	const it = results.exporter.csvRows(db, surveyId)[Symbol.asyncIterator]();
	const first = await it.next();
	const headers = first.done ? [] : first.value;
	const fixed = results.exporter.FIXED_COLUMNS.length;
	async function* rows(): AsyncGenerator<Cell[]> {
		for (;;) {
			const next = await it.next();
			if (next.done) return;
			yield next.value.map((v, i) => (i >= fixed && NUMBER.test(v) ? Number(v) : v));
		}
	}
	return { headers, rows: rows() };
}
