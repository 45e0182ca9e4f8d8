import { sql } from 'kysely';
import type { DbOrTrx } from './db';

export interface Limit {
	/** how many hits a window allows */
	max: number;
	/** window length in seconds */
	windowSeconds: number;
}

export interface LimitResult {
	allowed: boolean;
	hits: number;
	retryAfterSeconds: number;
}

// Counters live in PostgreSQL so every app instance shares them (no in-memory Map).
/** Counts one hit for key in the current fixed window and says whether it is within the limit. */
export async function hit(
	db: DbOrTrx,
	key: string,
	limit: Limit,
	now = new Date()
): Promise<LimitResult> {
	const windowMs = limit.windowSeconds * 1000;
	const start = windowStart(limit, now);
	const row = await db
		.insertInto('rate_limits')
		.values({ key, window_start: start, hits: 1 })
		.onConflict((oc) =>
			oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limits.hits + 1` })
		)
		.returning('hits')
		.executeTakeFirstOrThrow();
	const retryAfterSeconds = Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000);
	return { allowed: row.hits <= limit.max, hits: row.hits, retryAfterSeconds };
}

/** The start of the fixed window `now` falls in. */
export function windowStart(limit: Limit, now: Date): Date {
	const windowMs = limit.windowSeconds * 1000;
	return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/** Whether key is over its limit now, without counting a hit. */
export async function isLimited(
	db: DbOrTrx,
	key: string,
	limit: Limit,
	now = new Date()
): Promise<boolean> {
	const start = windowStart(limit, now);
	const row = await db
		.selectFrom('rate_limits')
		.select('hits')
		.where('key', '=', key)
		.where('window_start', '=', start)
		.executeTakeFirst();
	return (row?.hits ?? 0) >= limit.max;
}

/** Forgets a key's current count (e.g. after a successful login). */
export async function reset(db: DbOrTrx, key: string): Promise<void> {
	await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/** Drops windows older than a day; run by the worker. */
export async function prune(db: DbOrTrx, now = new Date()): Promise<void> {
	await db
		.deleteFrom('rate_limits')
		.where('window_start', '<', new Date(now.getTime() - 86_400_000))
		.execute();
}
