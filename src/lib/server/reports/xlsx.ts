import ExcelJS from 'exceljs';
import { PassThrough, type Writable } from 'node:stream';
import { significanceLabel, type ReportData } from '$lib/reports/types';

// XLSX with exceljs (maintained, streams large sheets): a "Topic summary" sheet from the report
// and a "Responses" sheet with exactly the columns of the results CSV export, so both files stay
// comparable across waves.

export type Cell = string | number | null;

export interface ResponseRows {
	headers: string[];
	rows: AsyncIterable<Cell[]> | Iterable<Cell[]>;
}

export const SUMMARY_SHEET = 'Topic summary';
export const RESPONSES_SHEET = 'Responses';
export const WAVES_SHEET = 'Waves';

/** The summary sheet's column headers (stable: scripts read them). */
export const SUMMARY_HEADERS = [
	'topic_key',
	'topic',
	'wave',
	'score',
	'n',
	'change',
	'significance',
	'target',
	'gap_to_target',
	'benchmark',
	'benchmark_source',
	'benchmark_year'
];

/** Streams the workbook to `out` (a file or an HTTP response body); resolves when written. */
export async function write(
	out: Writable,
	input: { report: ReportData; responses: ResponseRows }
): Promise<void> {
	const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
		stream: out,
		useStyles: true,
		useSharedStrings: false
	});
	wb.creator = 'Soundings';
	wb.created = input.report.generatedAt;
	const { report } = input;

	const summary = wb.addWorksheet(SUMMARY_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
	summary.columns = SUMMARY_HEADERS.map((h) => ({
		header: h,
		key: h,
		width: h === 'topic' ? 28 : 14
	}));
	summary.getRow(1).font = { bold: true };
	const waveName = report.current?.name ?? '';
	for (const t of report.topics) {
		summary
			.addRow([
				t.key,
				t.name,
				waveName,
				round(t.score),
				t.n,
				round(t.change),
				significanceLabel[t.significance],
				t.target,
				t.target !== null && t.score !== null ? round(t.score - t.target) : null,
				t.benchmark,
				t.benchmarkSource,
				t.benchmarkYear
			])
			.commit();
	}
	summary.commit();

	const waves = wb.addWorksheet(WAVES_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
	waves.columns = [
		{ header: 'wave', key: 'wave', width: 28 },
		{ header: 'date', key: 'date', width: 14 },
		{ header: 'invited', key: 'invited', width: 10 },
		{ header: 'responded', key: 'responded', width: 10 },
		{ header: 'response_rate_percent', key: 'rate', width: 14 },
		...report.topics.map((t) => ({ header: t.key, key: `t${t.id}`, width: 14 }))
	];
	waves.getRow(1).font = { bold: true };
	report.waves.forEach((w, i) => {
		waves
			.addRow([
				w.name,
				w.scheduledFor.toISOString().slice(0, 10),
				w.invited,
				w.responded,
				round(w.responseRate),
				...report.topics.map((t) => round(t.trend[i] ?? null))
			])
			.commit();
	});
	waves.commit();

	const sheet = wb.addWorksheet(RESPONSES_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
	sheet.columns = input.responses.headers.map((h) => ({ header: h, key: h, width: 16 }));
	sheet.getRow(1).font = { bold: true };
	for await (const row of input.responses.rows) sheet.addRow(row).commit();
	sheet.commit();
	await wb.commit();
}

/** The workbook as a Node stream (for an HTTP response); errors end the stream. */
export function stream(input: { report: ReportData; responses: ResponseRows }): PassThrough {
	const out = new PassThrough();
	write(out, input).catch((e) => out.destroy(e as Error));
	return out;
}

function round(v: number | null): number | null {
	return v === null || Number.isNaN(v) ? null : Math.round(v * 100) / 100;
}
