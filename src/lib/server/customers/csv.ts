import { open } from 'node:fs/promises';
import { parse as parseSync } from 'csv-parse/sync';
import { attributeKeySchema } from '../../schemas/segments';
import { customerFields, orderFields, type requiredFields } from '../../schemas/customers';

// Reading the head of an uploaded CSV: delimiter, header, preview rows, and a first guess of the
// column mapping that the user confirms.

export type ImportKind = keyof typeof requiredFields;
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export class CsvHeadError extends Error {}

const HEAD_BYTES = 64 * 1024;

/** The most frequent candidate delimiter outside quotes on the first line. */
export function sniffDelimiter(firstLine: string): Delimiter {
	let best: Delimiter = ',';
	let bestCount = 0;
	for (const d of DELIMITERS) {
		let n = 0;
		let quoted = false;
		for (const ch of firstLine) {
			if (ch === '"') quoted = !quoted;
			else if (!quoted && ch === d) n++;
		}
		if (n > bestCount) {
			best = d;
			bestCount = n;
		}
	}
	return best;
}

export interface CsvHead {
	delimiter: Delimiter;
	headers: string[];
	preview: string[][];
}

/** Reads the header and up to `rows` preview rows from the start of the file. */
export async function readHead(path: string, delimiter?: Delimiter, rows = 5): Promise<CsvHead> {
	const fh = await open(path, 'r');
	let text: string;
	try {
		const buf = Buffer.alloc(HEAD_BYTES);
		const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
		text = buf.subarray(0, bytesRead).toString('utf8');
		if (bytesRead === HEAD_BYTES) {
			// cut at the last complete line so a record is not split
			const cut = text.lastIndexOf('\n');
			if (cut > 0) text = text.slice(0, cut + 1);
		}
	} finally {
		await fh.close();
	}
	text = text.replace(/^\uFEFF/, '');
	if (text.trim() === '') throw new CsvHeadError('The file is empty.');
	const firstLine = text.slice(0, text.search(/\r?\n|$/));
	const d = delimiter ?? sniffDelimiter(firstLine);
	const parseLines = (toLine: number) =>
		parseSync(text, {
			delimiter: d,
			relax_column_count: true,
			to_line: toLine,
			skip_empty_lines: true
		}) as string[][];
	let records: string[][];
	try {
		records = parseLines(rows + 1);
	} catch (e) {
		// a broken row in the preview: show the rows before it; the import reports the row itself
		const line = (e as { lines?: number }).lines ?? 0;
		try {
			records = line > 1 ? parseLines(line - 1) : parseLines(1);
		} catch {
			throw new CsvHeadError(
				`The first line is not valid CSV: ${(e as Error).message.split('.')[0]}.`
			);
		}
	}
	const headers = (records[0] ?? []).map((h) => h.trim());
	if (headers.length === 0 || headers.every((h) => h === ''))
		throw new CsvHeadError('The first line should name the columns, but it is empty.');
	return { delimiter: d, headers, preview: records.slice(1, rows + 1) };
}

const aliases: Record<ImportKind, Record<string, string>> = {
	customers: {
		external_id: 'external_id',
		externalid: 'external_id',
		id: 'external_id',
		customer_id: 'external_id',
		customer: 'external_id',
		email: 'email',
		e_mail: 'email',
		mail: 'email',
		email_address: 'email',
		name: 'name',
		full_name: 'name',
		locale: 'locale',
		language: 'locale',
		lang: 'locale',
		time_zone: 'time_zone',
		timezone: 'time_zone',
		tz: 'time_zone'
	},
	orders: {
		customer_external_id: 'customer_external_id',
		customer_id: 'customer_external_id',
		customer: 'customer_external_id',
		external_id: 'customer_external_id',
		reference: 'reference',
		order_id: 'reference',
		order: 'reference',
		ref: 'reference',
		id: 'reference',
		status: 'status',
		state: 'status',
		amount: 'amount',
		total: 'amount',
		value: 'amount',
		currency: 'currency',
		at: 'at',
		date: 'at',
		time: 'at',
		ordered_at: 'at',
		created_at: 'at',
		timestamp: 'at'
	}
};

function slug(header: string): string {
	return header
		.trim()
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

/** An attribute name derived from a column header, or null if none is safe. */
export function attributeKeyFor(header: string): string | null {
	let s = slug(header);
	if (/^[0-9]/.test(s)) s = `c_${s}`;
	s = s.slice(0, 40);
	return attributeKeySchema.safeParse(s).success ? s : null;
}

/**
 * A first guess of the mapping: column index → target field, `attr:<key>` (customers) or ''
 * (ignored). Each field is used once.
 */
export function guessMapping(kind: ImportKind, headers: string[]): Record<string, string> {
	const used = new Set<string>();
	const out: Record<string, string> = {};
	headers.forEach((h, i) => {
		const field = aliases[kind][slug(h)];
		if (field && !used.has(field)) {
			used.add(field);
			out[String(i)] = field;
		} else if (kind === 'customers') {
			const key = attributeKeyFor(h);
			out[String(i)] = key ? `attr:${key}` : '';
		} else {
			out[String(i)] = '';
		}
	});
	return out;
}

/** The fields a kind can map to. */
export function fieldsFor(kind: ImportKind): readonly string[] {
	return kind === 'customers' ? customerFields : orderFields;
}
