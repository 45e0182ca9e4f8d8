import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db';
import type { ImportRow } from '../db/schema';
import { json } from '../db/json';
import {
	customerRowSchema,
	orderRowSchema,
	requiredFields,
	fieldLabels,
	type CustomerRow,
	type OrderRow
} from '../../schemas/customers';
import { attributeKeySchema } from '../../schemas/segments';
import { analyze, upsertCustomers, upsertOrders } from './upsert';
import { uploadDir } from './upload';
import { CompactStringSet } from './seen';
import {
	CsvHeadError,
	DELIMITERS,
	fieldsFor,
	guessMapping,
	readHead,
	type Delimiter,
	type ImportKind
} from './csv';

export { attributeKeyFor, CsvHeadError, DELIMITERS, type Delimiter, type ImportKind } from './csv';

export const BATCH_SIZE = 1000;
/** Errors stored per import for the report; the counts stay exact beyond it. */
export const MAX_STORED_ERRORS = 10_000;
/** A single record larger than this stops the import (the parser cannot resynchronise). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const STATS_AFTER_BATCHES = new Set([2, 10, 50, 200, 800]);

export class ImportNotFoundError extends Error {
	constructor() {
		super('That import does not exist.');
	}
}
export class MappingError extends Error {}

export type ImportJob = ImportRow;

/** Registers an uploaded file: reads its head and proposes a mapping (status 'mapping'). */
export async function create(
	db: DbOrTrx,
	input: {
		kind: ImportKind;
		filename: string;
		filePath: string;
		userId: number | null;
		keepFile?: boolean;
	}
): Promise<number> {
	const size = (await stat(input.filePath)).size;
	let head: Awaited<ReturnType<typeof readHead>> | null = null;
	let message: string | null = null;
	try {
		head = await readHead(input.filePath);
	} catch (e) {
		if (!(e instanceof CsvHeadError)) throw e;
		message = e.message;
	}
	const row = await db
		.insertInto('imports')
		.values({
			kind: input.kind,
			filename: input.filename.slice(0, 200),
			file_path: head ? input.filePath : null,
			status: head ? 'mapping' : 'failed',
			headers: json(head?.headers ?? []),
			preview: json(head?.preview ?? []),
			mapping: json(head ? guessMapping(input.kind, head.headers) : {}),
			delimiter: head?.delimiter ?? ',',
			total_bytes: size,
			message,
			created_by: input.userId,
			finished_at: head ? null : new Date()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	if (!head && !input.keepFile) await rm(input.filePath, { force: true });
	return row.id;
}

/** One import job, or undefined. */
export async function get(db: DbOrTrx, id: number): Promise<ImportJob | undefined> {
	return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Recent imports, newest first. */
export async function list(db: DbOrTrx, limit = 20): Promise<ImportJob[]> {
	return db.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/** Re-reads the head with another delimiter (the mapping step's "the columns look wrong"). */
export async function changeDelimiter(
	db: DbOrTrx,
	id: number,
	delimiter: Delimiter
): Promise<void> {
	const job = await get(db, id);
	if (!job || job.status !== 'mapping' || !job.file_path) throw new ImportNotFoundError();
	const head = await readHead(job.file_path, delimiter);
	await db
		.updateTable('imports')
		.set({
			delimiter,
			headers: json(head.headers),
			preview: json(head.preview),
			mapping: json(guessMapping(job.kind, head.headers))
		})
		.where('id', '=', id)
		.execute();
}

/**
 * Checks a mapping (column index → field, `attr:<key>` or '') against the file's columns: every
 * required field mapped once, attribute names safe. Returns the cleaned mapping.
 */
export function validateMapping(
	kind: ImportKind,
	headers: string[],
	mapping: Record<string, string>
): Record<string, string> {
	const fields = fieldsFor(kind);
	const out: Record<string, string> = {};
	const used = new Map<string, string>();
	for (let i = 0; i < headers.length; i++) {
		const target = (mapping[String(i)] ?? '').trim();
		if (target === '') continue;
		if (target.startsWith('attr:') && kind === 'customers') {
			const key = target.slice(5);
			if (!attributeKeySchema.safeParse(key).success)
				throw new MappingError(
					`Column "${headers[i]}": "${key}" is not a usable attribute name (letters, digits, _).`
				);
		} else if (!fields.includes(target)) {
			throw new MappingError(`Column "${headers[i]}": unknown field.`);
		}
		if (used.has(target))
			throw new MappingError(
				`Columns "${used.get(target)}" and "${headers[i]}" are both mapped to ${fieldLabels[target] ?? target}.`
			);
		used.set(target, headers[i]);
		out[String(i)] = target;
	}
	const missing = requiredFields[kind].filter((f) => !used.has(f));
	if (missing.length) {
		const names = missing.map((f) => fieldLabels[f]).join(', ');
		const hint =
			headers.length === 1
				? ` The file has a single column "${headers[0].slice(0, 60)}": is the delimiter right?`
				: '';
		throw new MappingError(`Map a column to: ${names}.${hint}`);
	}
	return out;
}

/** Confirms the mapping and queues the import. */
export async function confirm(
	db: DbOrTrx,
	id: number,
	mapping: Record<string, string>
): Promise<void> {
	const job = await get(db, id);
	if (!job || job.status !== 'mapping') throw new ImportNotFoundError();
	const clean = validateMapping(job.kind, job.headers, mapping);
	await db
		.updateTable('imports')
		.set({ mapping: json(clean), status: 'queued' })
		.where('id', '=', id)
		.where('status', '=', 'mapping')
		.execute();
}

/** Claims a queued import (or one whose runner stopped beating) for this process, or null. */
export async function claim(
	db: Db,
	id: number | null,
	now = new Date()
): Promise<ImportJob | null> {
	const stale = new Date(now.getTime() - 2 * 60_000);
	return db.transaction().execute(async (trx) => {
		const row = await trx
			.selectFrom('imports')
			.selectAll()
			.where((eb) =>
				eb.or([
					eb('status', '=', 'queued'),
					eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', stale)])
				])
			)
			// the file lives on the instance that received the upload
			.where('file_path', 'like', `${uploadDir()}%`)
			.$if(id !== null, (q) => q.where('id', '=', id!))
			.orderBy('id')
			.limit(1)
			.forUpdate()
			.skipLocked()
			.executeTakeFirst();
		if (!row) return null;
		const claimed = await trx
			.updateTable('imports')
			.set({ status: 'running', started_at: now, heartbeat_at: now })
			.where('id', '=', row.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		return claimed;
	});
}

export interface Progress {
	bytes: number;
	totalBytes: number;
	rows: number;
	created: number;
	updated: number;
	skipped: number;
}

interface RowError {
	row: number;
	column: string;
	reason: string;
}

/** Counts bytes read so progress can be shown as a share of the file. */
function byteCounter(onBytes: (n: number) => void) {
	return new Transform({
		transform(chunk: Buffer, _enc, cb) {
			onBytes(chunk.length);
			cb(null, chunk);
		}
	});
}

interface MappedField {
	index: number;
	target: string;
	/** the attribute key for `attr:<key>` targets, else null */
	attribute: string | null;
}

/** The mapping (column index → target) as a list, computed once per import. */
function mappedFields(mapping: Record<string, string>): MappedField[] {
	return Object.entries(mapping).map(([index, target]) => ({
		index: Number(index),
		target,
		attribute: target.startsWith('attr:') ? target.slice(5) : null
	}));
}

/** Builds a customer or order candidate from a CSV record and the mapping. */
function candidate(kind: ImportKind, record: string[], fields: MappedField[]) {
	const obj: Record<string, unknown> = {};
	const attributes: Record<string, string> = {};
	for (const { index, target, attribute } of fields) {
		const value = record[index] ?? '';
		if (attribute !== null) {
			const v = value.trim();
			if (v !== '') attributes[attribute] = v;
		} else obj[target] = value;
	}
	if (kind === 'customers') obj.attributes = attributes;
	return obj;
}

// zod's e-mail pattern, for the fast path below (zod still produces every error message)
const EMAIL =
	/^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/**
 * customerRowSchema.safeParse, with a fast path for the common clean row (about 10× faster on a
 * 1M-row file); anything unusual goes through zod, which also words the error.
 */
function parseCustomer(obj: Record<string, unknown>) {
	const id = typeof obj.external_id === 'string' ? obj.external_id.trim() : '';
	const email = typeof obj.email === 'string' ? obj.email.trim() : '';
	const name = typeof obj.name === 'string' ? obj.name.trim() : '';
	const attributes = obj.attributes as Record<string, string>;
	const simple =
		id.length > 0 &&
		id.length <= 200 &&
		!id.startsWith('erased-') &&
		(email === '' || (email.length <= 254 && EMAIL.test(email))) &&
		name.length <= 200 &&
		!obj.locale &&
		!obj.time_zone &&
		Object.values(attributes).every((v) => v.length <= 1000);
	if (!simple) return customerRowSchema.safeParse(obj);
	const data: CustomerRow = {
		external_id: id,
		email: email === '' ? undefined : email.toLowerCase(),
		name: name === '' ? undefined : name,
		locale: undefined,
		time_zone: undefined,
		attributes
	};
	return { success: true as const, data };
}

/** The header of the column a zod issue path points at. */
function columnOf(path: PropertyKey[], headers: string[], mapping: Record<string, string>): string {
	const [field, key] = path.map(String);
	const target = field === 'attributes' && key ? `attr:${key}` : field;
	const index = Object.entries(mapping).find(([, t]) => t === target)?.[0];
	return index !== undefined ? (headers[Number(index)] ?? field) : (field ?? '');
}

/**
 * Runs a claimed import: streams the file through csv-parse, validates each row, upserts good rows
 * in batches of BATCH_SIZE, records bad ones (row, column, reason), and updates progress after each
 * batch. Memory stays flat except for the ids seen (to report duplicates in the file), kept
 * compactly outside the JS heap (about 20 bytes per id, see seen.ts).
 */
export async function run(
	db: Db,
	job: ImportJob,
	opts: { now?: () => Date; keepFile?: boolean; onProgress?: (job: Progress) => void } = {}
): Promise<void> {
	const now = opts.now ?? (() => new Date());
	const kind = job.kind;
	const mapping = job.mapping;
	const headers = job.headers;
	const width = headers.length;
	let bytes = 0;
	let rows = 0;
	let created = 0;
	let updated = 0;
	let skipped = 0;
	let storedErrors = 0;
	let batches = 0;
	let errors: RowError[] = [];
	const seen = new CompactStringSet();
	let customerBatch: (CustomerRow & { _row: number })[] = [];
	let orderBatch: (OrderRow & { _row: number })[] = [];

	const fail = (row: number, column: string, reason: string) => {
		skipped++;
		if (storedErrors < MAX_STORED_ERRORS) {
			storedErrors++;
			errors.push({ row, column, reason });
		}
	};

	// One batch is written while the next is parsed: Node validates, PostgreSQL writes, in parallel.
	const write = async (
		customersIn: (CustomerRow & { _row: number })[],
		ordersIn: (OrderRow & { _row: number })[],
		errs: RowError[],
		at: { bytes: number; rows: number }
	) => {
		batches++;
		// statistics go stale while a table grows 1000× in minutes; without them PostgreSQL joins a
		// batch to the whole table by sequential scan
		if (STATS_AFTER_BATCHES.has(batches)) await analyze(db, kind);
		// the batch, its errors and the progress commit together; without waiting for the WAL flush
		// (one fsync per batch was a large share of P4): after a database crash the last moments of
		// an import may be lost, and the resumed import re-runs them (the upsert is idempotent)
		await db.transaction().execute(async (trx) => {
			await sql`set local synchronous_commit = off`.execute(trx);
			if (customersIn.length) {
				const r = await upsertCustomers(trx, customersIn);
				created += r.created;
				updated += r.updated;
				// rows of erased customers are neither inserted nor updated
				const untouched = customersIn.length - r.created - r.updated;
				if (untouched > 0) skipped += untouched;
			}
			if (ordersIn.length) {
				const r = await upsertOrders(trx, ordersIn);
				created += r.created;
				updated += r.updated;
				for (const o of ordersIn)
					if (r.unknownCustomers.has(o.customer_external_id)) {
						skipped++;
						if (storedErrors < MAX_STORED_ERRORS) {
							storedErrors++;
							errs.push({
								row: o._row,
								column: columnOf(['customer_external_id'], headers, mapping),
								reason: 'No customer with this external id.'
							});
						}
					}
			}
			if (errs.length) {
				await trx
					.insertInto('import_errors')
					.values(
						errs.map((e) => ({
							import_id: job.id,
							row_number: e.row,
							column_name: e.column.slice(0, 200),
							reason: e.reason.slice(0, 500)
						}))
					)
					.execute();
			}
			await trx
				.updateTable('imports')
				.set({
					processed_bytes: at.bytes,
					rows_total: at.rows,
					created_count: created,
					updated_count: updated,
					skipped_count: skipped,
					heartbeat_at: now()
				})
				.where('id', '=', job.id)
				.execute();
		});
		opts.onProgress?.({
			bytes: at.bytes,
			totalBytes: Number(job.total_bytes),
			rows: at.rows,
			created,
			updated,
			skipped
		});
	};
	// up to two batches in flight (on separate connections); their ids never overlap (see `seen`)
	const inFlight: Promise<void>[] = [];
	const flush = async () => {
		if (inFlight.length >= 2) await inFlight.shift(); // a failed write surfaces here
		const c = customerBatch;
		const o = orderBatch;
		const e = errors;
		customerBatch = [];
		orderBatch = [];
		errors = [];
		if (!c.length && !o.length && !e.length && inFlight.length) return;
		const p = write(c, o, e, { bytes, rows });
		// keep a rejected write from being reported as unhandled before it is awaited
		p.catch(() => {});
		inFlight.push(p);
	};
	const drain = async () => {
		await flush();
		while (inFlight.length) await inFlight.shift();
	};

	const finish = async (status: 'done' | 'failed', message: string | null) => {
		await drain();
		await db
			.updateTable('imports')
			.set({
				status,
				message,
				finished_at: now(),
				processed_bytes: status === 'done' ? job.total_bytes : bytes,
				rows_total: rows,
				created_count: created,
				updated_count: updated,
				skipped_count: skipped
			})
			.where('id', '=', job.id)
			.execute();
		if (job.file_path && !opts.keepFile) await rm(job.file_path, { force: true });
	};

	if (!job.file_path)
		return finish('failed', 'The uploaded file is no longer available; upload it again.');
	let input;
	try {
		await stat(job.file_path);
		input = createReadStream(job.file_path);
	} catch {
		return finish('failed', 'The uploaded file is no longer available; upload it again.');
	}
	// With skip_records_with_error the parser keeps going after a broken row instead of dropping
	// the rows it already read; the first such error ends the import at that line.
	// `records` is how many records the parser had emitted before the broken one (no per-record
	// info objects: building them was a tenth of the import's CPU).
	const state: {
		broken: { line: number; records: number; code: string; message: string } | null;
	} = { broken: null };
	const csv = parse({
		delimiter: job.delimiter as Delimiter,
		bom: true,
		from_line: 2,
		relax_column_count: true,
		skip_empty_lines: true,
		skip_records_with_error: true,
		max_record_size: MAX_RECORD_BYTES
	});
	const parser = input.pipe(byteCounter((n) => (bytes += n))).pipe(csv);
	parser.on('skip', (err: Error & { code?: string; lines?: number }) => {
		state.broken ??= {
			line: err.lines ?? 0,
			records: csv.info.records,
			code: err.code ?? '',
			message: err.message
		};
	});
	const fields = mappedFields(mapping);
	try {
		for await (const record of parser as AsyncIterable<string[]>) {
			if (state.broken && rows >= state.broken.records) continue;
			rows++;
			const rowNumber = rows + 1; // the header is row 1, as in a spreadsheet
			if (record.length !== width) {
				fail(rowNumber, '', `Expected ${width} fields but found ${record.length}.`);
			} else if (record.some((f) => f.includes('\uFFFD'))) {
				const i = record.findIndex((f) => f.includes('\uFFFD'));
				fail(
					rowNumber,
					headers[i] ?? '',
					'Contains bytes that are not UTF-8: save the file as UTF-8.'
				);
			} else if (kind === 'customers') {
				const parsed = parseCustomer(candidate(kind, record, fields));
				if (!parsed.success) {
					const issue = parsed.error.issues[0];
					fail(rowNumber, columnOf(issue.path, headers, mapping), issue.message);
				} else if (!seen.add(parsed.data.external_id)) {
					fail(
						rowNumber,
						columnOf(['external_id'], headers, mapping),
						'Duplicate external id in this file; the first row with it was kept.'
					);
				} else {
					const row = parsed.data as CustomerRow & { _row: number };
					row._row = rowNumber;
					customerBatch.push(row);
				}
			} else {
				const parsed = orderRowSchema.safeParse(candidate(kind, record, fields));
				if (!parsed.success) {
					const issue = parsed.error.issues[0];
					fail(rowNumber, columnOf(issue.path, headers, mapping), issue.message);
				} else {
					const key = `${parsed.data.customer_external_id}\u0000${parsed.data.reference}`;
					if (!seen.add(key)) {
						fail(
							rowNumber,
							columnOf(['reference'], headers, mapping),
							'Duplicate order (customer and reference) in this file; the first row was kept.'
						);
					} else {
						orderBatch.push({ ...parsed.data, _row: rowNumber });
					}
				}
			}
			if (customerBatch.length >= BATCH_SIZE || orderBatch.length >= BATCH_SIZE) await flush();
		}
	} catch (e) {
		await finish(
			'failed',
			'The import stopped because of an internal error; rows before it were kept.'
		).catch(() => {});
		throw e;
	}
	if (state.broken) {
		const b = state.broken;
		const reason =
			b.code === 'CSV_MAX_RECORD_SIZE'
				? `A row is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MB.`
				: b.code === 'CSV_QUOTE_NOT_CLOSED'
					? 'A quoted field is never closed.'
					: b.code === 'CSV_INVALID_CLOSING_QUOTE'
						? 'A quote inside a field is not doubled ("").'
						: `${b.message.split('.')[0]}.`;
		fail(b.line, '', `${reason} The file cannot be read past this line.`);
		await finish(
			'failed',
			`Stopped at line ${b.line}: ${reason} Rows before it were imported; fix the file and import it again.`
		);
		return;
	}
	await finish('done', null);
}

/** Claims and runs one import (the given one, or any queued one); false when there was none. */
export async function runNext(db: Db, id: number | null = null): Promise<boolean> {
	const job = await claim(db, id);
	if (!job) return false;
	await run(db, job);
	return true;
}

/**
 * Imports a local file in this process with the guessed (or given) mapping: the CLI's path.
 * The file is left in place. Throws MappingError when required columns cannot be found.
 */
export async function importLocalFile(
	db: Db,
	input: {
		kind: ImportKind;
		path: string;
		mapping?: Record<string, string>;
		userId?: number | null;
		onProgress?: (p: Progress) => void;
	}
): Promise<ImportJob> {
	const id = await create(db, {
		kind: input.kind,
		filename: input.path.split('/').pop() ?? input.path,
		filePath: input.path,
		userId: input.userId ?? null,
		keepFile: true
	});
	const job = (await get(db, id))!;
	if (job.status === 'failed') return job;
	await confirm(db, id, input.mapping ?? job.mapping);
	const running = await db
		.updateTable('imports')
		.set({ status: 'running', started_at: new Date(), heartbeat_at: new Date() })
		.where('id', '=', id)
		.returningAll()
		.executeTakeFirstOrThrow();
	await run(db, running, { keepFile: true, onProgress: input.onProgress });
	return (await get(db, id))!;
}

/** The rejected rows of an import, in row order (at most MAX_STORED_ERRORS). */
export async function errorRows(db: DbOrTrx, id: number) {
	return db
		.selectFrom('import_errors')
		.select(['row_number', 'column_name', 'reason'])
		.where('import_id', '=', id)
		.orderBy('row_number')
		.orderBy('id')
		.limit(MAX_STORED_ERRORS)
		.execute();
}

/** Marks imports stuck in 'mapping' for a day as failed and removes their files. */
export async function pruneAbandoned(db: Db, now: Date): Promise<void> {
	const old = await db
		.selectFrom('imports')
		.select(['id', 'file_path'])
		.where('status', '=', 'mapping')
		.where('created_at', '<', new Date(now.getTime() - 86_400_000))
		.execute();
	for (const o of old) {
		if (o.file_path) await rm(o.file_path, { force: true });
		await db
			.updateTable('imports')
			.set({
				status: 'failed',
				message: 'The column mapping was never confirmed.',
				finished_at: now,
				file_path: null
			})
			.where('id', '=', o.id)
			.execute();
	}
}

/** Percent done (0–100) from bytes read. */
export function percent(
	job: Pick<ImportJob, 'status' | 'processed_bytes' | 'total_bytes'>
): number {
	if (job.status === 'done') return 100;
	if (!job.total_bytes) return 0;
	return Math.min(100, Math.floor((Number(job.processed_bytes) / Number(job.total_bytes)) * 100));
}

export const delimiters = DELIMITERS;
