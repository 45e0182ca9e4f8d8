import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db';
import { json } from '../db/json';
import type { Clock } from '../clock';
import { config } from '../config';
import { exponentialBackoffMs } from '../backoff';
import { keepTransport, parseAddress, smtpTransport, type Transport } from './transport';

export * as template from './template';
export { keepTransport, smtpTransport, type Transport, type OutgoingMail } from './transport';

// The outbox: every e-mail is a row written in the transaction that caused it; the sender task
// claims due rows with FOR UPDATE SKIP LOCKED, so several workers never send one row at once.

/** How many tries before a message is given up (status failed, error kept). */
export const MAX_ATTEMPTS = 5;
/** How long a claimed message stays leased to its worker; after a crash it is sent again. */
export const LEASE_MS = 2 * 60_000;
/** What the viewer shows for mail kept in the app. */
export const KEPT_NOTE = 'Kept in the app: no SMTP server is configured (SMTP_URL).';

export interface NewMail {
	kind: string;
	/** unique per logical message: a retried caller enqueues it once */
	idempotencyKey: string;
	to: string;
	toName?: string;
	fromName?: string;
	subject: string;
	text: string;
	html: string;
	headers?: Record<string, string>;
	invitationId?: number | null;
	waveId?: number | null;
	notBefore?: Date;
}

/** Adds a message to the outbox (call inside the caller's transaction); its id, or null if the key was already used. */
export async function enqueue(db: DbOrTrx, mail: NewMail): Promise<number | null> {
	const row = await db
		.insertInto('outbox')
		.values({
			kind: mail.kind,
			idempotency_key: mail.idempotencyKey,
			to_address: mail.to,
			to_name: mail.toName ?? '',
			from_name: mail.fromName ?? '',
			subject: mail.subject,
			text_body: mail.text,
			html_body: mail.html,
			headers: json(mail.headers ?? {}),
			invitation_id: mail.invitationId ?? null,
			wave_id: mail.waveId ?? null,
			// due at once whatever the clock says (tests run the worker with a clock in the past)
			next_attempt_at: mail.notBefore ?? new Date(0)
		})
		.onConflict((oc) => oc.column('idempotency_key').doNothing())
		.returning('id')
		.executeTakeFirst();
	return row?.id ?? null;
}

/** Delay before try number `attempt + 1`: 30 s, 1 min, 2 min, 4 min… capped at 1 hour. */
export function backoffMs(attempt: number): number {
	return exponentialBackoffMs(attempt, 60 * 60_000);
}

/** The transport from configuration: SMTP when SMTP_URL is set, else kept in the app. */
export function configuredTransport(): Transport {
	const url = config().SMTP_URL;
	return url ? smtpTransport(url) : keepTransport;
}

export interface SendOptions {
	transport?: Transport;
	ratePerMinute?: number;
	batch?: number;
	maxAttempts?: number;
	from?: string;
}

/** Sends due outbox rows once; returns how many were sent and failed. */
export async function sendDue(
	db: Db,
	clock: Clock,
	options: SendOptions = {}
): Promise<{ sent: number; failed: number }> {
	const transport = options.transport ?? configuredTransport();
	const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
	const now = clock.now();
	let limit = options.batch ?? 100;
	if (transport.kind === 'smtp') {
		const rate = options.ratePerMinute ?? config().MAIL_RATE_PER_MINUTE;
		const recent = await db
			.selectFrom('outbox')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('status', '=', 'sent')
			.where('delivery', '=', 'smtp')
			.where('sent_at', '>', new Date(now.getTime() - 60_000))
			.executeTakeFirstOrThrow();
		limit = Math.min(limit, rate - Number(recent.n));
		if (limit <= 0) return { sent: 0, failed: 0 };
	}
	// claim: a short transaction leases the rows (status sending, lease in next_attempt_at)
	const claimed = await db.transaction().execute(async (trx) => {
		const ids = await trx
			.selectFrom('outbox')
			.select('id')
			.where('status', 'in', ['pending', 'sending'])
			.where('next_attempt_at', '<=', now)
			.orderBy('next_attempt_at')
			.orderBy('id')
			.limit(limit)
			.forUpdate()
			.skipLocked()
			.execute();
		if (ids.length === 0) return [];
		return trx
			.updateTable('outbox')
			.set((eb) => ({
				status: 'sending',
				attempts: eb('attempts', '+', 1),
				next_attempt_at: new Date(now.getTime() + LEASE_MS)
			}))
			.where(
				'id',
				'in',
				ids.map((r) => r.id)
			)
			.returningAll()
			.execute();
	});
	const from = parseAddress(options.from ?? config().MAIL_FROM);
	let sent = 0;
	let failed = 0;
	try {
		for (const row of claimed) {
			try {
				await transport.send({
					from: { name: row.from_name || from.name, address: from.address },
					to: { name: row.to_name, address: row.to_address },
					subject: row.subject,
					text: row.text_body,
					html: row.html_body,
					headers: row.headers,
					messageId: `<outbox-${row.id}.${row.idempotency_key.replace(/[^A-Za-z0-9.-]/g, '-')}@${from.address.split('@')[1] ?? 'soundings'}>`
				});
				const at = clock.now();
				await db.transaction().execute(async (trx) => {
					await trx
						.updateTable('outbox')
						.set({ status: 'sent', sent_at: at, delivery: transport.kind, last_error: null })
						.where('id', '=', row.id)
						.execute();
					if (row.invitation_id && row.kind === 'invitation') {
						await trx
							.updateTable('invitations')
							.set({ sent_at: at, delivered_at: at })
							.where('id', '=', row.invitation_id)
							.where('sent_at', 'is', null)
							.execute();
					}
				});
				sent++;
			} catch (e) {
				failed++;
				const giveUp = row.attempts >= maxAttempts;
				await db
					.updateTable('outbox')
					.set({
						status: giveUp ? 'failed' : 'pending',
						last_error: String((e as Error).message ?? e).slice(0, 2000),
						next_attempt_at: new Date(clock.now().getTime() + backoffMs(row.attempts))
					})
					.where('id', '=', row.id)
					.execute();
			}
		}
	} finally {
		transport.close();
	}
	return { sent, failed };
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxListItem {
	id: number;
	kind: string;
	to: string;
	toName: string;
	subject: string;
	status: OutboxStatus;
	delivery: 'smtp' | 'kept' | null;
	attempts: number;
	lastError: string | null;
	createdAt: Date;
	sentAt: Date | null;
}

/** The outbox, newest first, optionally filtered by status or a search on address/subject. */
export async function list(
	db: DbOrTrx,
	opts: { status?: OutboxStatus; q?: string; limit: number; offset: number }
): Promise<{ items: OutboxListItem[]; total: number }> {
	let q = db.selectFrom('outbox');
	if (opts.status) q = q.where('status', '=', opts.status);
	if (opts.q) {
		const like = `%${opts.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
		q = q.where((eb) => eb.or([eb('to_address', 'ilike', like), eb('subject', 'ilike', like)]));
	}
	const [rows, total] = await Promise.all([
		q
			.select([
				'id',
				'kind',
				'to_address',
				'to_name',
				'subject',
				'status',
				'delivery',
				'attempts',
				'last_error',
				'created_at',
				'sent_at'
			])
			.orderBy('id', 'desc')
			.limit(opts.limit)
			.offset(opts.offset)
			.execute(),
		q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			id: r.id,
			kind: r.kind,
			to: r.to_address,
			toName: r.to_name,
			subject: r.subject,
			status: r.status,
			delivery: r.delivery,
			attempts: r.attempts,
			lastError: r.last_error,
			createdAt: r.created_at,
			sentAt: r.sent_at
		}))
	};
}

export interface OutboxMessage extends OutboxListItem {
	fromName: string;
	text: string;
	html: string;
	headers: Record<string, string>;
	nextAttemptAt: Date;
	/** the http(s) links in the plain-text part, in order */
	links: string[];
}

/** One message for the viewer. */
export async function get(db: DbOrTrx, id: number): Promise<OutboxMessage | undefined> {
	const r = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
	if (!r) return undefined;
	return {
		id: r.id,
		kind: r.kind,
		to: r.to_address,
		toName: r.to_name,
		fromName: r.from_name,
		subject: r.subject,
		status: r.status,
		delivery: r.delivery,
		attempts: r.attempts,
		lastError: r.last_error,
		createdAt: r.created_at,
		sentAt: r.sent_at,
		text: r.text_body,
		html: r.html_body,
		headers: r.headers,
		nextAttemptAt: r.next_attempt_at,
		links: [...new Set(r.text_body.match(/https?:\/\/[^\s<>"]+/g) ?? [])]
	};
}

export class NotRetryableError extends Error {}

/** Puts a failed message back in the queue for a fresh round of tries. */
export async function retry(db: DbOrTrx, id: number, now: Date): Promise<void> {
	const r = await db
		.updateTable('outbox')
		.set({ status: 'pending', attempts: 0, next_attempt_at: now })
		.where('id', '=', id)
		.where('status', '=', 'failed')
		.executeTakeFirst();
	if (Number(r.numUpdatedRows) === 0)
		throw new NotRetryableError('Only a failed message can be retried.');
}

/** Counts per status, for the viewer's header. */
export async function counts(db: DbOrTrx): Promise<Record<OutboxStatus, number>> {
	const rows = await db
		.selectFrom('outbox')
		.select(['status', sql<number>`count(*)`.as('n')])
		.groupBy('status')
		.execute();
	const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
	for (const r of rows) out[r.status] = Number(r.n);
	return out;
}
