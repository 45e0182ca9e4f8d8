import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { sql } from 'kysely';
import postgres from 'postgres';
import { openDb, type Db, type DbHandle } from '$lib/server/db';
import { migrateToLatest } from '$lib/server/db/migrate';
import { ensureDefaultTopics } from '$lib/server/topics/defaults';

declare module 'vitest' {
	export interface ProvidedContext {
		pgTemplate: string;
	}
}

/** 'pglite' or 'pg': which database this vitest project runs on. */
export const testDbKind = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'pg';

/** Replaces the database name in a postgres URL. */
export function withDatabase(url: string, name: string): string {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

/** A fresh, migrated database of the project's kind; the caller closes it. */
export async function createTestDb(): Promise<DbHandle & { url?: string }> {
	if (testDbKind === 'pglite') {
		const handle = await openDb({ dataDir: 'memory://' });
		await migrateToLatest(handle.db as never);
		return handle;
	}
	const admin = process.env.TEST_DATABASE_URL!;
	const template = inject('pgTemplate');
	const name = `sdt_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	const sqlAdmin = postgres(admin, { max: 1, onnotice: () => {} });
	try {
		for (let attempt = 0; ; attempt++) {
			try {
				await sqlAdmin.unsafe(`create database ${name} template ${template}`);
				break;
			} catch (e) {
				if (attempt > 20) throw e; // another worker is copying the template right now
				await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
			}
		}
	} finally {
		await sqlAdmin.end();
	}
	const url = withDatabase(admin, name);
	const handle = await openDb({ url, poolSize: 10 });
	return {
		...handle,
		url,
		close: async () => {
			await handle.close();
			const drop = postgres(admin, { max: 1, onnotice: () => {} });
			await drop.unsafe(`drop database if exists ${name} with (force)`);
			await drop.end();
		}
	};
}

/** Empties every table (keeping migrations) and restores the default topics. */
export async function resetDb(db: Db): Promise<void> {
	const { rows } = await sql<{ tablename: string }>`
		select tablename from pg_tables
		where schemaname = 'public' and tablename not like 'kysely_migration%'`.execute(db);
	if (rows.length) {
		await sql
			.raw(`truncate ${rows.map((r) => `"${r.tablename}"`).join(', ')} restart identity cascade`)
			.execute(db);
	}
	await ensureDefaultTopics(db);
}

/**
 * One migrated database per test file, emptied before each test.
 * Usage: `const ctx = useTestDb();` then `ctx.db` inside tests.
 */
export function useTestDb(): { readonly db: Db; readonly handle: DbHandle & { url?: string } } {
	let handle: (DbHandle & { url?: string }) | undefined;
	beforeAll(async () => {
		handle = await createTestDb();
	});
	beforeEach(async () => {
		await resetDb(handle!.db);
	});
	afterAll(async () => {
		await handle?.close();
	});
	return {
		get db() {
			return handle!.db;
		},
		get handle() {
			return handle!;
		}
	};
}
