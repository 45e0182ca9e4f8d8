import { sql } from 'kysely';
import { inTransaction, type Db, type DbOrTrx, type Trx } from '../db';
import { exponentialBackoffMs } from '../backoff';
import * as assignment from '../assignment';
import * as webhooks from '../webhooks';
import { foldIn } from './rollups';

// The completion queue. The statement (or transaction) that completes a response writes its rows,
// opens its follow-up when the rule holds, and queues it here: nothing shared is locked and
// nothing else is read on the submit path (P1). Everything else a completion sets off runs in
// batches a moment later (nudged by the instance that took the submit, and by every worker pass as
// the backstop): the rollups, the response.completed webhooks, and the follow-up's assignment,
// owner e-mail and follow_up.opened webhooks. DESIGN allows dashboards to lag ≤ 5 s.

/**
 * Queues a completed response; call in the transaction that completes it. Idempotent: a second
 * call, or a response already counted in the rollups, changes nothing.
 */
export async function enqueue(db: DbOrTrx, responseId: number): Promise<void> {
	await sql`insert into completion_queue (response_id, wave_id)
		select r.id, r.wave_id from responses r
		where r.id = ${responseId}::int and r.status = 'complete'
			and not exists (select 1 from rollup_responses rr where rr.response_id = r.id)
		on conflict (response_id) do nothing`.execute(db);
}

/** Most queued responses one flush transaction takes. */
export const FLUSH_BATCH = 500;
/** Longest wait before a response whose side effects failed is tried again. */
const RETRY_CAP_MS = 60 * 60_000;

interface Taken {
	response_id: number;
	wave_id: number | null;
	attempts: number;
}

/**
 * Takes up to `limit` due responses off the queue and does what their completion sets off, in
 * one transaction; returns how many it took. Safe with any number of concurrent callers
 * (instances): each claims its rows with SKIP LOCKED, rollups count a response at most once, and
 * webhook deliveries and e-mails carry idempotency keys. A response whose side effects fail goes
 * back on the queue with its error and a later try (the others go on; its rollups are counted).
 */
export async function flushBatch(
	db: DbOrTrx,
	opts: { limit?: number; now?: Date } = {}
): Promise<number> {
	const now = opts.now ?? new Date();
	return inTransaction(db, async (trx) => {
		// a fresh wave's tables have no statistics yet: their row estimates would make PostgreSQL
		// JIT-compile the fold (20–40 ms a batch) for a few milliseconds of work
		await sql`set local jit = off`.execute(trx);
		const taken = await sql<Taken>`
			delete from completion_queue where response_id in (
				select response_id from completion_queue
				-- new rows at once; put-back ones (dated by the flush's clock) when due
				where attempts = 0 or next_attempt_at <= ${now}::timestamptz
				order by response_id
				limit ${opts.limit ?? FLUSH_BATCH}::int for update skip locked)
			returning response_id, wave_id, attempts`.execute(trx);
		if (taken.rows.length === 0) return 0;
		const rows = taken.rows.sort((a, b) => a.response_id - b.response_id);
		const inWaves = rows.filter((r) => r.wave_id !== null);
		if (inWaves.length)
			await foldIn(
				trx,
				inWaves.map((r) => r.response_id),
				inWaves.map((r) => r.wave_id!)
			);
		// the batch's side effects under one savepoint; if they fail, response by response
		if (!(await attempt(trx, 'effects', () => sideEffects(trx, rows, now))))
			for (const r of rows) {
				let error: unknown;
				const done = await attempt(
					trx,
					'effect',
					() => sideEffects(trx, [r], now),
					(e) => (error = e)
				);
				if (!done) await putBack(trx, r, error, now);
			}
		return rows.length;
	});
}

/** Runs `fn` under a savepoint: true when it succeeded, false (rolled back) when it threw. */
async function attempt(
	trx: Trx,
	name: string,
	fn: () => Promise<void>,
	onError?: (e: unknown) => void
): Promise<boolean> {
	await sql.raw(`savepoint ${name}`).execute(trx);
	try {
		await fn();
		await sql.raw(`release savepoint ${name}`).execute(trx);
		return true;
	} catch (e) {
		await sql.raw(`rollback to savepoint ${name}`).execute(trx);
		onError?.(e);
		return false;
	}
}

/** What a completion sets off besides the rollups: webhooks, the follow-up's assignment and mail. */
async function sideEffects(trx: Trx, rows: Taken[], now: Date): Promise<void> {
	const ids = rows.map((r) => r.response_id);
	const [rule, completedHooks, openedHooks] = await Promise.all([
		assignment.getRule(trx),
		webhooks.subscribed(trx, 'response.completed'),
		webhooks.subscribed(trx, 'follow_up.opened')
	]);
	if (completedHooks) for (const id of ids) await webhooks.responseCompleted(trx, id, now);
	if (rule.mode === 'none' && !openedHooks) return;
	const opened = await trx
		.selectFrom('follow_ups')
		.select('id')
		.where('response_id', 'in', ids)
		.where('status', '=', 'open')
		.orderBy('id')
		.execute();
	for (const f of opened) await assignment.onFollowUpOpened(trx, f.id, now);
}

async function putBack(trx: Trx, r: Taken, error: unknown, now: Date): Promise<void> {
	const attempts = r.attempts + 1;
	const message = error instanceof Error ? error.message : String(error);
	console.error(
		`[completions] response ${r.response_id}: side effects failed (try ${attempts}):`,
		error
	);
	await trx
		.insertInto('completion_queue')
		.values({
			response_id: r.response_id,
			wave_id: r.wave_id,
			attempts,
			last_error: message.slice(0, 2000),
			next_attempt_at: new Date(now.getTime() + exponentialBackoffMs(attempts, RETRY_CAP_MS))
		})
		.onConflict((oc) => oc.column('response_id').doNothing())
		.execute();
}

/** Flushes until the queue is empty (or `maxBatches` batches ran); returns responses taken. */
export async function flush(
	db: DbOrTrx,
	opts: { now?: Date; maxBatches?: number } = {}
): Promise<number> {
	let total = 0;
	for (let i = 0; i < (opts.maxBatches ?? 100); i++) {
		const n = await flushBatch(db, { now: opts.now });
		total += n;
		if (n < FLUSH_BATCH) break;
	}
	return total;
}

let nudged = false;
let flushing: Promise<void> = Promise.resolve();

/**
 * Asks this instance to flush the queue shortly (after a submit): the nudges of many concurrent
 * submits make one flush, so each batch transaction locks the shared rollup rows once. A nudge lost
 * in a crash is made good by the worker's next pass.
 */
export function nudge(db: Db, delayMs = 200): void {
	if (nudged) return;
	nudged = true;
	const timer = setTimeout(() => {
		flushing = flushing.then(async () => {
			nudged = false;
			try {
				await flush(db);
			} catch (e) {
				console.error('[completions] flush failed (the worker retries):', e);
			}
		});
	}, delayMs);
	timer.unref?.();
}
