import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db';
import { json } from '../db/json';
import type { Clock } from '../clock';
import { config } from '../config';
import { randomToken } from '../crypto';
import { exponentialBackoffMs } from '../backoff';
import type { WebhookEvent, WebhookInput } from '$lib/schemas/triggers';
import { post } from './deliver';
import { sign, SIGNATURE_HEADER } from './sign';
import { assertSafeUrl } from './ssrf';
import { enqueue } from './queue';

export { sign, verify, SIGNATURE_HEADER } from './sign';
export { assertSafeUrl, isPrivateAddress, UnsafeUrlError } from './ssrf';
export { responseCompleted, followUpOpened } from './payloads';
export { enqueue, subscribed } from './queue';

// Webhooks out: a delivery row per (event, webhook) written in the transaction that caused it,
// delivered by a worker task that claims rows with FOR UPDATE SKIP LOCKED and retries with
// exponential backoff (the outbox pattern, like mail).

/** Tries before a delivery is given up (status failed, error kept). */
export const MAX_ATTEMPTS = 8;
/** How long a claimed delivery stays leased to its worker. */
export const LEASE_MS = 2 * 60_000;
export const TIMEOUT_MS = 10_000;

export class WebhookNotFoundError extends Error {
	constructor() {
		super('That webhook no longer exists.');
	}
}

/** Delay before try `attempt + 1`: 30 s, 1 min, 2 min … capped at 6 hours. */
export function backoffMs(attempt: number): number {
	return exponentialBackoffMs(attempt, 6 * 3600_000);
}

/** Whether URLs must resolve to public addresses (SSRF guard): in production mode. */
export function strictUrls(): boolean {
	return config().SOUNDINGS_ENV === 'production';
}

export interface Webhook {
	id: number;
	url: string;
	description: string;
	events: WebhookEvent[];
	secret: string;
	active: boolean;
	createdAt: Date;
	delivered: number;
	failed: number;
	pending: number;
}

/** Every webhook with its delivery counts. */
export async function list(db: DbOrTrx): Promise<Webhook[]> {
	const rows = await db
		.selectFrom('webhooks')
		.selectAll('webhooks')
		.select((eb) => [
			eb
				.selectFrom('webhook_deliveries as d')
				.select(sql<number>`count(*) filter (where d.status = 'delivered')`.as('n'))
				.whereRef('d.webhook_id', '=', 'webhooks.id')
				.as('delivered'),
			eb
				.selectFrom('webhook_deliveries as d')
				.select(sql<number>`count(*) filter (where d.status = 'failed')`.as('n'))
				.whereRef('d.webhook_id', '=', 'webhooks.id')
				.as('failed'),
			eb
				.selectFrom('webhook_deliveries as d')
				.select(sql<number>`count(*) filter (where d.status in ('pending', 'sending'))`.as('n'))
				.whereRef('d.webhook_id', '=', 'webhooks.id')
				.as('pending')
		])
		.orderBy('id')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		url: r.url,
		description: r.description,
		events: r.events as WebhookEvent[],
		secret: r.secret,
		active: r.active,
		createdAt: r.created_at,
		delivered: Number(r.delivered ?? 0),
		failed: Number(r.failed ?? 0),
		pending: Number(r.pending ?? 0)
	}));
}

/** Adds a webhook with a fresh signing secret; checks the URL (SSRF) first. Returns its id. */
export async function create(
	db: DbOrTrx,
	input: WebhookInput,
	opts: { createdBy?: number | null; strict?: boolean } = {}
): Promise<number> {
	await assertSafeUrl(input.url, opts.strict ?? strictUrls());
	const row = await db
		.insertInto('webhooks')
		.values({
			url: input.url,
			description: input.description,
			events: json(input.events),
			secret: `whsec_${randomToken(24)}`,
			created_by: opts.createdBy ?? null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Turns a webhook on or off (off: nothing new is queued for it). */
export async function setActive(db: DbOrTrx, id: number, active: boolean): Promise<void> {
	const r = await db
		.updateTable('webhooks')
		.set({ active, updated_at: new Date() })
		.where('id', '=', id)
		.executeTakeFirst();
	if (!Number(r.numUpdatedRows)) throw new WebhookNotFoundError();
}

/** Deletes a webhook and its delivery log. */
export async function remove(db: DbOrTrx, id: number): Promise<void> {
	const r = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
	if (!Number(r.numDeletedRows)) throw new WebhookNotFoundError();
}

/** Queues a test ("ping") delivery to one webhook. */
export async function sendTest(db: DbOrTrx, id: number, now: Date): Promise<void> {
	const n = await enqueue(
		db,
		'ping',
		`${id}:${now.getTime()}`,
		{ message: 'A test delivery from Soundings.' },
		now,
		{ webhookId: id }
	);
	if (n === 0) throw new WebhookNotFoundError();
}

/** Delivers due webhook payloads once; returns how many were delivered and failed this pass. */
export async function deliverDue(
	db: Db,
	clock: Clock,
	opts: { strict?: boolean; batch?: number; timeoutMs?: number } = {}
): Promise<{ delivered: number; failed: number }> {
	const now = clock.now();
	const claimed = await db.transaction().execute(async (trx) => {
		const ids = await trx
			.selectFrom('webhook_deliveries')
			.select('id')
			.where('status', 'in', ['pending', 'sending'])
			.where('next_attempt_at', '<=', now)
			.orderBy('next_attempt_at')
			.orderBy('id')
			.limit(opts.batch ?? 20)
			.forUpdate()
			.skipLocked()
			.execute();
		if (ids.length === 0) return [];
		return trx
			.updateTable('webhook_deliveries as d')
			.from('webhooks as w')
			.set((eb) => ({
				status: 'sending',
				attempts: eb('d.attempts', '+', 1),
				next_attempt_at: new Date(now.getTime() + LEASE_MS)
			}))
			.whereRef('w.id', '=', 'd.webhook_id')
			.where(
				'd.id',
				'in',
				ids.map((r) => r.id)
			)
			.returning(['d.id', 'd.body', 'd.event', 'd.attempts', 'w.url', 'w.secret'])
			.execute();
	});
	const strict = opts.strict ?? strictUrls();
	let delivered = 0;
	let failed = 0;
	for (const d of claimed) {
		const at = clock.now();
		let status: number | null = null;
		let error: string | null = null;
		try {
			const res = await post(
				d.url,
				d.body,
				{
					'Content-Type': 'application/json',
					'User-Agent': 'Soundings-Webhooks/1',
					'Soundings-Event': d.event,
					'Soundings-Delivery': String(d.id),
					[SIGNATURE_HEADER]: sign(d.secret, d.body, at)
				},
				{ strict, timeoutMs: opts.timeoutMs ?? TIMEOUT_MS }
			);
			status = res.status;
			if (status < 200 || status >= 300)
				error = `HTTP ${status}${res.body ? `: ${res.body.slice(0, 300)}` : ''}`;
		} catch (e) {
			error = String((e as Error).message ?? e).slice(0, 1000);
		}
		if (error === null) {
			delivered++;
			await db
				.updateTable('webhook_deliveries')
				.set({
					status: 'delivered',
					delivered_at: clock.now(),
					last_status: status,
					last_error: null
				})
				.where('id', '=', d.id)
				.execute();
		} else {
			failed++;
			const giveUp = d.attempts >= MAX_ATTEMPTS;
			await db
				.updateTable('webhook_deliveries')
				.set({
					status: giveUp ? 'failed' : 'pending',
					last_status: status,
					last_error: error,
					next_attempt_at: new Date(clock.now().getTime() + backoffMs(d.attempts))
				})
				.where('id', '=', d.id)
				.execute();
		}
	}
	return { delivered, failed };
}

export interface Delivery {
	id: number;
	webhookId: number;
	url: string;
	event: string;
	status: 'pending' | 'sending' | 'delivered' | 'failed';
	attempts: number;
	nextAttemptAt: Date;
	lastStatus: number | null;
	lastError: string | null;
	createdAt: Date;
	deliveredAt: Date | null;
	body: string;
}

/** The delivery log, newest first. */
export async function deliveries(
	db: DbOrTrx,
	opts: { webhookId?: number; limit: number; offset: number }
): Promise<{ items: Delivery[]; total: number }> {
	let q = db
		.selectFrom('webhook_deliveries as d')
		.innerJoin('webhooks as w', 'w.id', 'd.webhook_id');
	if (opts.webhookId) q = q.where('d.webhook_id', '=', opts.webhookId);
	const [rows, total] = await Promise.all([
		q
			.select([
				'd.id',
				'd.webhook_id',
				'w.url',
				'd.event',
				'd.status',
				'd.attempts',
				'd.next_attempt_at',
				'd.last_status',
				'd.last_error',
				'd.created_at',
				'd.delivered_at',
				'd.body'
			])
			.orderBy('d.id', 'desc')
			.limit(opts.limit)
			.offset(opts.offset)
			.execute(),
		q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			id: r.id,
			webhookId: r.webhook_id,
			url: r.url,
			event: r.event,
			status: r.status,
			attempts: r.attempts,
			nextAttemptAt: r.next_attempt_at,
			lastStatus: r.last_status,
			lastError: r.last_error,
			createdAt: r.created_at,
			deliveredAt: r.delivered_at,
			body: r.body
		}))
	};
}

/** Puts a failed delivery back in the queue for a fresh round of tries. */
export async function retry(db: DbOrTrx, id: number, now: Date): Promise<void> {
	const r = await db
		.updateTable('webhook_deliveries')
		.set({ status: 'pending', attempts: 0, next_attempt_at: now })
		.where('id', '=', id)
		.where('status', '=', 'failed')
		.executeTakeFirst();
	if (!Number(r.numUpdatedRows)) throw new WebhookNotFoundError();
}
