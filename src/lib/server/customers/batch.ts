import type { DbOrTrx } from '../db';
import { customerRowSchema, type CustomerRow } from '../../schemas/customers';
import { upsertCustomers } from './upsert';

// The JSON API's batch upsert: good rows are stored, bad rows are reported by index (the batch is
// not refused as a whole). Documented in docs/architecture.md.

export const MAX_BATCH = 1000;

export class BatchError extends Error {}

export interface BatchResult {
	received: number;
	created: number;
	updated: number;
	errors: { index: number; field: string; message: string }[];
}

/** Validates and upserts a batch: `{customers: [...]}` or a bare array of customer objects. */
export async function upsertBatch(db: DbOrTrx, body: unknown): Promise<BatchResult> {
	const items = Array.isArray(body)
		? body
		: body && typeof body === 'object' && Array.isArray((body as { customers?: unknown }).customers)
			? (body as { customers: unknown[] }).customers
			: null;
	if (!items) throw new BatchError('Send {"customers": [ … ]} with up to 1000 customers.');
	if (items.length === 0) throw new BatchError('The batch is empty.');
	if (items.length > MAX_BATCH)
		throw new BatchError(`At most ${MAX_BATCH} customers per request; split the batch.`);
	const errors: BatchResult['errors'] = [];
	const good: CustomerRow[] = [];
	const seen = new Set<string>();
	items.forEach((item, index) => {
		const parsed = customerRowSchema.safeParse(item);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			errors.push({ index, field: issue.path.join('.'), message: issue.message });
		} else if (seen.has(parsed.data.external_id)) {
			errors.push({
				index,
				field: 'external_id',
				message: 'Duplicate external id in this batch; the first one was stored.'
			});
		} else {
			seen.add(parsed.data.external_id);
			good.push(parsed.data);
		}
	});
	const r = await upsertCustomers(db, good);
	return { received: items.length, created: r.created, updated: r.updated, errors };
}
