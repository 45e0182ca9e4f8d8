import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db';
import { json } from '../db/json';
import { upsertCustomers, upsertOrders } from '../customers/upsert';
import * as triggers from '../triggers';
import {
	batchSchema,
	eventErrors,
	eventSchema,
	MAX_BODY_BYTES,
	type EventInput
} from '$lib/schemas/events';

export {
	eventSchema,
	batchSchema,
	eventErrors,
	MAX_BODY_BYTES,
	MAX_BATCH,
	MAX_FUTURE_MS
} from '$lib/schemas/events';

// Events in: stored once per client-supplied event id (unique index), unknown customers created,
// order events feeding the orders table the segments use, and the triggers planned — all in one
// transaction, so a failure stores nothing.

export interface IngestResult {
	/** per event in request order: created now, or already stored under that id */
	results: { id: string; status: 'created' | 'duplicate' }[];
	created: number;
	duplicates: number;
	/** triggered invitations planned */
	planned: number;
}

const ORDER_STATUS: Record<string, 'completed' | 'abandoned' | 'cancelled'> = {
	'order.completed': 'completed',
	'order.abandoned': 'abandoned',
	'order.cancelled': 'cancelled'
};

/** Stores validated events (see eventSchema) idempotently and plans their triggered surveys. */
export async function ingest(
	db: Db,
	events: EventInput[],
	opts: { now: Date; apiKeyId?: number | null; isDemo?: boolean; plan?: boolean }
): Promise<IngestResult> {
	return db.transaction().execute(async (trx) => {
		// the first occurrence of an id in a batch wins; the rest are duplicates like a replay
		const firstById = new Map<string, EventInput>();
		for (const e of events) if (!firstById.has(e.id)) firstById.set(e.id, e);
		const unique = [...firstById.values()];
		// insert first: a concurrent replay waits on the unique index and then inserts nothing
		const inserted = await trx
			.insertInto('events')
			.values(
				unique.map((e) => ({
					event_id: e.id,
					type: e.type,
					occurred_at: e.occurred_at,
					reference: e.reference ?? null,
					attributes: json(e.attributes ?? {}),
					api_key_id: opts.apiKeyId ?? null,
					is_demo: opts.isDemo ?? false,
					received_at: opts.now
				}))
			)
			.onConflict((oc) => oc.column('event_id').doNothing())
			.returning(['id', 'event_id'])
			.execute();
		const newIds = new Map(inserted.map((r) => [r.event_id, r.id]));
		const fresh = unique.filter((e) => newIds.has(e.id));
		let planned = 0;
		if (fresh.length > 0) {
			// customers: later events of a batch win field by field
			const byExternal = new Map<string, EventInput['customer']>();
			for (const e of fresh) {
				const prev = byExternal.get(e.customer.external_id) ?? {
					external_id: e.customer.external_id
				};
				const next = { ...prev };
				for (const [k, v] of Object.entries(e.customer))
					if (v !== undefined) Object.assign(next, { [k]: v });
				byExternal.set(e.customer.external_id, next);
			}
			await upsertCustomers(
				trx,
				[...byExternal.values()].map((c) => ({ ...c, attributes: {} })),
				{ isDemo: opts.isDemo }
			);
			const customers = await trx
				.selectFrom('customers')
				.select(['id', 'external_id', 'time_zone', 'erased_at'])
				.where('external_id', 'in', [...byExternal.keys()])
				.execute();
			const customerOf = new Map(customers.map((c) => [c.external_id, c]));
			const links = fresh.map((e) => ({
				id: newIds.get(e.id)!,
				customer_id: customerOf.get(e.customer.external_id)?.id ?? null
			}));
			await sql`update events e set customer_id = x.customer_id
				from json_to_recordset(${JSON.stringify(links)}::text::json) as x(id bigint, customer_id integer)
				where e.id = x.id`.execute(trx);
			await upsertOrderEvents(trx, fresh);
			if (opts.plan !== false)
				planned = await triggers.plan(
					trx,
					fresh.flatMap((e) => {
						const c = customerOf.get(e.customer.external_id);
						if (!c || c.erased_at) return [];
						return [
							{
								id: newIds.get(e.id)!,
								type: e.type,
								customerId: c.id,
								customerTimeZone: c.time_zone,
								occurredAt: e.occurred_at,
								reference: e.reference ?? null,
								attributes: e.attributes ?? {}
							}
						];
					}),
					opts.now
				);
		}
		const seen = new Set<string>();
		const results = events.map((e) => {
			const created = newIds.has(e.id) && !seen.has(e.id);
			seen.add(e.id);
			return { id: e.id, status: created ? ('created' as const) : ('duplicate' as const) };
		});
		const created = results.filter((r) => r.status === 'created').length;
		return { results, created, duplicates: results.length - created, planned };
	});
}

async function upsertOrderEvents(trx: DbOrTrx, events: EventInput[]): Promise<void> {
	const byKey = new Map<string, Parameters<typeof upsertOrders>[1][number]>();
	for (const e of events) {
		const status = ORDER_STATUS[e.type];
		if (!status || !e.reference) continue;
		const amount = e.attributes?.amount;
		const currency = e.attributes?.currency;
		byKey.set(`${e.customer.external_id}\u0000${e.reference}`, {
			customer_external_id: e.customer.external_id,
			reference: e.reference,
			status,
			amount: typeof amount === 'number' ? amount : 0,
			currency: typeof currency === 'string' ? currency.toUpperCase() : 'EUR',
			at: e.occurred_at
		});
	}
	if (byKey.size) await upsertOrders(trx, [...byKey.values()]);
}

export interface EventListItem {
	id: number;
	eventId: string;
	type: string;
	customerExternalId: string | null;
	occurredAt: Date;
	receivedAt: Date;
	reference: string | null;
}

/** The most recent events, newest first (the Triggers page shows them). */
export async function recent(
	db: DbOrTrx,
	opts: { limit: number; offset?: number }
): Promise<{ items: EventListItem[]; total: number }> {
	const [rows, total] = await Promise.all([
		db
			.selectFrom('events')
			.leftJoin('customers', 'customers.id', 'events.customer_id')
			.select([
				'events.id',
				'events.event_id',
				'events.type',
				'customers.external_id',
				'events.occurred_at',
				'events.received_at',
				'events.reference'
			])
			.orderBy('events.id', 'desc')
			.limit(opts.limit)
			.offset(opts.offset ?? 0)
			.execute(),
		db
			.selectFrom('events')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow()
	]);
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			id: r.id,
			eventId: r.event_id,
			type: r.type,
			customerExternalId: r.external_id,
			occurredAt: r.occurred_at,
			receivedAt: r.received_at,
			reference: r.reference
		}))
	};
}

export type ParsedBody =
	| { ok: true; events: EventInput[]; batch: boolean }
	| { ok: false; message: string; errors: Record<string, string> };

/** Parses the body of POST /api/v1/events (one event, or {"events": [...]}) field by field. */
export function parseBody(text: string, now: Date): ParsedBody {
	if (Buffer.byteLength(text) > MAX_BODY_BYTES)
		return {
			ok: false,
			message: 'The body is larger than 1 MB; send smaller batches.',
			errors: { _: 'The body is larger than 1 MB.' }
		};
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return { ok: false, message: 'The body is not valid JSON.', errors: { _: 'Not valid JSON.' } };
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		return {
			ok: false,
			message: 'Send one event object, or {"events": [ … ]} for a batch.',
			errors: { _: 'Expected a JSON object.' }
		};
	const batch = 'events' in body;
	if (batch) {
		const r = batchSchema(now).safeParse(body);
		if (!r.success)
			return {
				ok: false,
				message: 'Some events are not valid; none was stored.',
				errors: eventErrors(r.error)
			};
		return { ok: true, events: r.data.events, batch };
	}
	const r = eventSchema(now).safeParse(body);
	if (!r.success)
		return {
			ok: false,
			message: 'The event is not valid; nothing was stored.',
			errors: eventErrors(r.error)
		};
	return { ok: true, events: [r.data], batch };
}
