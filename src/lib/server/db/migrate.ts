import type { Kysely } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../../../../migrations/index';

export class MigrationError extends Error {}

function migrator(db: Kysely<unknown>) {
	return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function check(result: MigrationResultSet, what: string): string[] {
	const done = (result.results ?? [])
		.filter((r) => r.status === 'Success')
		.map((r) => r.migrationName);
	if (result.error) {
		const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
		const reason = result.error instanceof Error ? result.error.message : String(result.error);
		throw new MigrationError(`${what} failed at migration ${failed}: ${reason}`);
	}
	return done;
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
	return check(await migrator(db).migrateToLatest(), 'Migrating the database');
}

/** Reverts the last applied migration; returns its name. */
export async function migrateDown(db: Kysely<unknown>): Promise<string[]> {
	return check(await migrator(db).migrateDown(), 'Reverting the last migration');
}

/** Names of migrations not yet applied (empty when current). */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
	const all = await migrator(db).getMigrations();
	return all.filter((m) => !m.executedAt).map((m) => m.name);
}
