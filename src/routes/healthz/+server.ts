import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { pendingMigrations } from '$lib/server/db/migrate';
import { lastHeartbeat } from '$lib/server/jobs';
import { config } from '$lib/server/config';
import * as runtime from '$lib/server/runtime';
import { sql } from 'kysely';

// For load balancers and the load test: 200 when the database answers and migrations are current.
export const GET: RequestHandler = async () => {
	const db = runtime.db();
	try {
		await sql`select 1`.execute(db);
	} catch {
		return json({ ok: false, database: 'unreachable' }, { status: 503 });
	}
	const pending = await pendingMigrations(db as never);
	const beat = await lastHeartbeat(db);
	const workerExpected = config().WORKER === 'on';
	const workerAgeSeconds = beat ? Math.round((Date.now() - beat.at.getTime()) / 1000) : null;
	const ok = pending.length === 0;
	return json(
		{
			ok,
			database: runtime.dbKind(),
			migrations: pending.length ? { pending } : 'current',
			worker: {
				inProcess: workerExpected,
				lastHeartbeat: beat?.at.toISOString() ?? null,
				ageSeconds: workerAgeSeconds,
				healthy: workerAgeSeconds !== null && workerAgeSeconds < 60
			}
		},
		{ status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
