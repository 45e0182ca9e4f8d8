import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, type Transaction } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database } from './schema';
import { lockDataDir } from './lock';
import { DatabaseUnavailableError } from './errors';

export { DatabaseUnavailableError } from './errors';

export type { Database } from './schema';
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Either the database or an open transaction: what domain functions accept. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Runs `fn` in the caller's transaction, or in a new one. */
export async function inTransaction<T>(db: DbOrTrx, fn: (trx: Trx) => Promise<T>): Promise<T> {
	if (db.isTransaction) return fn(db as Trx);
	return db.transaction().execute(fn);
}

export interface DbOptions {
	/** postgres:// URL; without it the embedded PGlite is used. */
	url?: string;
	/** PGlite data directory; 'memory://' for an in-memory database. */
	dataDir?: string;
	poolSize?: number;
}

export interface DbHandle {
	db: Db;
	kind: 'pglite' | 'postgres';
	close(): Promise<void>;
}

// int8 (counts, big ids) and numeric come back as numbers in both drivers, so the app sees one shape.
const toNumber = (v: string) => (v === null ? null : Number(v));

/** Builds the Kysely instance from configuration: PostgreSQL with a URL, PGlite without. */
export async function openDb(options: DbOptions): Promise<DbHandle> {
	if (options.url) {
		const sqlClient = postgres(options.url, {
			max: options.poolSize ?? 10,
			onnotice: () => {},
			connect_timeout: 10,
			types: {
				bigint: { to: 20, from: [20], parse: toNumber, serialize: (x: number) => String(x) },
				numeric: { to: 1700, from: [1700], parse: toNumber, serialize: (x: number) => String(x) }
			}
		});
		try {
			await sqlClient`select 1`;
		} catch (e) {
			await sqlClient.end({ timeout: 1 }).catch(() => {});
			const host = safeHost(options.url);
			throw new DatabaseUnavailableError(
				`Cannot reach PostgreSQL at ${host}: ${(e as Error).message}`
			);
		}
		const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: sqlClient }) });
		return { db, kind: 'postgres', close: () => db.destroy() };
	}

	const dataDir = options.dataDir ?? './data';
	let release = () => {};
	let pglite: PGlite;
	const parsers = { 20: toNumber, 1700: toNumber };
	if (dataDir.startsWith('memory://')) {
		pglite = new PGlite({ parsers });
	} else {
		const dir = resolve(dataDir);
		mkdirSync(dir, { recursive: true });
		release = lockDataDir(dir);
		try {
			pglite = new PGlite(`${dir}/pgdata`, { parsers });
			await pglite.waitReady;
		} catch (e) {
			release();
			throw new DatabaseUnavailableError(
				`Cannot open the embedded database in ${dir}: ${(e as Error).message}`
			);
		}
	}
	const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
	return {
		db,
		kind: 'pglite',
		close: async () => {
			await db.destroy();
			release();
		}
	};
}

function safeHost(url: string): string {
	try {
		const u = new URL(url);
		return `${u.hostname}:${u.port || 5432}${u.pathname}`;
	} catch {
		return '(unparseable URL)';
	}
}
