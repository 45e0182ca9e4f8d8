import { ConfigError, config } from '../src/lib/server/config';
import { DatabaseUnavailableError, openDb, type DbHandle } from '../src/lib/server/db';
import { MigrationError } from '../src/lib/server/db/migrate';

/** Opens the configured database for a command-line script, with clear errors instead of stacks. */
export async function withDb<T>(fn: (handle: DbHandle) => Promise<T>): Promise<T> {
	let handle: DbHandle | undefined;
	try {
		const cfg = config();
		handle = await openDb({
			url: cfg.DATABASE_URL,
			dataDir: cfg.DATA_DIR,
			poolSize: cfg.DATABASE_POOL_SIZE
		});
		return await fn(handle);
	} catch (e) {
		if (
			e instanceof ConfigError ||
			e instanceof DatabaseUnavailableError ||
			e instanceof MigrationError
		) {
			console.error(e.message);
			process.exit(1);
		}
		throw e;
	} finally {
		await handle?.close();
	}
}
