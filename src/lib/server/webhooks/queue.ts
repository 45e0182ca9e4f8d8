import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import type { WebhookEvent } from '$lib/schemas/triggers';

/** Whether any active webhook subscribes to the event (payloads are only built when one does). */
export async function subscribed(db: DbOrTrx, event: WebhookEvent): Promise<boolean> {
	const row = await db
		.selectFrom('webhooks')
		.select('id')
		.where('active', '=', true)
		.where(sql<boolean>`events @> ${JSON.stringify([event])}::text::jsonb`)
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
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
