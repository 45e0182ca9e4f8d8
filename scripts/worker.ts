// npm run worker: the background worker alone (run the app with WORKER=off to separate them).
import { migrateToLatest } from '../src/lib/server/db/migrate';
import * as worker from '../src/lib/server/jobs';
import { withDb } from './cli';

await withDb(async ({ db, kind }) => {
	if (kind === 'pglite')
		console.warn(
			'PGlite allows one process: run the worker alone only with DATABASE_URL (PostgreSQL).'
		);
	await migrateToLatest(db as never);
	const w = worker.start(db);
	console.log(`Worker ${worker.instanceId} running. Ctrl-C to stop.`);
	await new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	await w.stop();
});
