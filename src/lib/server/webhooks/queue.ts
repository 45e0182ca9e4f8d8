import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import type { WebhookEvent } from '$lib/schemas/triggers';

// Events with an active subscriber, read once per transaction (a submit asks for two events).
const perTransaction = new WeakMap<object, Promise<Set<string>>>();

async function subscribedEvents(db: DbOrTrx): Promise<Set<string>> {
	const rows = await db
		.selectFrom('webhooks')
		.select(sql<string>`jsonb_array_elements_text(events)`.as('event'))
		.where('active', '=', true)
		.execute();
	return new Set(rows.map((r) => r.event));
}

/** Whether any active webhook subscribes to the event (payloads are only built when one does). */
export async function subscribed(db: DbOrTrx, event: WebhookEvent): Promise<boolean> {
	if (!db.isTransaction) return (await subscribedEvents(db)).has(event);
	let events = perTransaction.get(db);
	if (!events) {
		events = subscribedEvents(db);
		perTransaction.set(db, events);
	}
	return (await events).has(event);
}

/** Queues one event for every active webhook subscribed to it (call inside the causing transaction). */
export async function enqueue(
	db: DbOrTrx,
	event: WebhookEvent | 'ping',
	key: string,
	data: Record<string, unknown>,
	now: Date,
	opts: { webhookId?: number } = {}
): Promise<number> {
	let q = db.selectFrom('webhooks').select('id').where('active', '=', true);
	q = opts.webhookId
		? q.where('id', '=', opts.webhookId)
		: q.where(sql<boolean>`events @> ${JSON.stringify([event])}::text::jsonb`);
	const hooks = await q.execute();
	if (hooks.length === 0) return 0;
	const id = `${event}:${key}`;
	const body = JSON.stringify({ id, type: event, created_at: now.toISOString(), data });
	const r = await db
		.insertInto('webhook_deliveries')
		.values(
			hooks.map((h) => ({
				webhook_id: h.id,
				event,
				idempotency_key: `${id}:${h.id}`,
				body,
				next_attempt_at: now,
				created_at: now
			}))
		)
		.onConflict((oc) => oc.column('idempotency_key').doNothing())
		.returning('id')
		.execute();
	return r.length;
}
