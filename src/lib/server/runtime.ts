import { config } from './config';
import { openDb, type Db, type DbHandle } from './db';
import { adminBanner, bootstrap } from './bootstrap';
import * as worker from './jobs';

// The process's one database handle and worker, created by the init hook.
let handle: DbHandle | undefined;
let stopWorker: (() => Promise<void>) | undefined;

/** Opens the database, migrates, bootstraps and starts the worker (unless WORKER=off). */
export async function start(): Promise<void> {
	if (handle) return;
	const cfg = config();
	handle = await openDb({
		url: cfg.DATABASE_URL,
		dataDir: cfg.DATA_DIR,
		poolSize: cfg.DATABASE_POOL_SIZE
	});
	if (handle.kind === 'pglite') {
		console.log(
			`Soundings is using the embedded PGlite database in ${cfg.DATA_DIR}.\n` +
				'  PGlite suits trying Soundings and small single-instance use; it is one process and not\n' +
				'  crash-durable. For production and several instances set DATABASE_URL to PostgreSQL.'
		);
	}
	const result = await bootstrap(handle.db, cfg, (m) => console.log(m));
	if (result.migrated.length) console.log(`Applied migrations: ${result.migrated.join(', ')}`);
	if (result.admin) console.log(adminBanner(result.admin, result.demoLoaded));
	if (cfg.WORKER === 'on') stopWorker = worker.start(handle.db).stop;
	const shutdown = async () => {
		await stopWorker?.();
		await handle?.close();
	};
	process.once('sveltekit:shutdown', () => void shutdown());
}

/** The database; only valid after start(). */
export function db(): Db {
	if (!handle) throw new Error('Soundings has not started: the database is not open yet.');
	return handle.db;
}

export function dbKind(): 'pglite' | 'postgres' {
	return handle?.kind ?? 'pglite';
}
