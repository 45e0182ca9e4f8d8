import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db';
import type { UserRow } from '../db/schema';
import { hashPassword } from './passwords';

export type Role = 'admin' | 'editor' | 'viewer';

export interface User {
	id: number;
	email: string;
	name: string;
	role: Role;
	disabled: boolean;
	createdAt: Date;
	lastLoginAt: Date | null;
	isDemo: boolean;
}

export function userRowToUser(row: UserRow): User {
	return {
		id: row.id,
		email: row.email,
		name: row.name,
		role: row.role,
		disabled: row.disabled_at !== null,
		createdAt: row.created_at,
		lastLoginAt: row.last_login_at,
		isDemo: row.is_demo
	};
}

export class DuplicateEmailError extends Error {
	constructor() {
		super('A user with this e-mail address already exists.');
	}
}

export class LastAdminError extends Error {
	constructor() {
		super('Soundings needs at least one active admin: promote another user first.');
	}
}

/** Creates a user; throws DuplicateEmailError when the address is taken. */
export async function create(
	db: DbOrTrx,
	input: { email: string; name?: string; password: string; role: Role; isDemo?: boolean }
): Promise<User> {
	const password_hash = await hashPassword(input.password);
	try {
		const row = await db
			.insertInto('users')
			.values({
				email: input.email.trim(),
				name: input.name?.trim() ?? '',
				password_hash,
				role: input.role,
				is_demo: input.isDemo ?? false
			})
			.returningAll()
			.executeTakeFirstOrThrow();
		return userRowToUser(row);
	} catch (e) {
		if (isUniqueViolation(e)) throw new DuplicateEmailError();
		throw e;
	}
}

export async function findByEmail(db: DbOrTrx, email: string): Promise<UserRow | undefined> {
	return db
		.selectFrom('users')
		.selectAll()
		.where(sql`lower(email)`, '=', email.trim().toLowerCase())
		.executeTakeFirst();
}

export async function get(db: DbOrTrx, id: number): Promise<User | undefined> {
	const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
	return row && userRowToUser(row);
}

export async function count(db: DbOrTrx): Promise<number> {
	const row = await db
		.selectFrom('users')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** One page of users, newest first. */
export async function list(db: DbOrTrx, { limit = 50, offset = 0 } = {}): Promise<User[]> {
	const rows = await db
		.selectFrom('users')
		.selectAll()
		.orderBy('email')
		.limit(limit)
		.offset(offset)
		.execute();
	return rows.map(userRowToUser);
}

async function assertAnotherActiveAdmin(db: DbOrTrx, exceptId: number): Promise<void> {
	const other = await db
		.selectFrom('users')
		.select('id')
		.where('role', '=', 'admin')
		.where('disabled_at', 'is', null)
		.where('id', '!=', exceptId)
		.executeTakeFirst();
	if (!other) throw new LastAdminError();
}

/** Changes a role; refuses to demote the last active admin. */
export async function setRole(db: Db, id: number, role: Role): Promise<void> {
	await db.transaction().execute(async (trx) => {
		await trx.selectFrom('users').select('id').where('role', '=', 'admin').forUpdate().execute();
		if (role !== 'admin') await assertAnotherActiveAdmin(trx, id);
		await trx.updateTable('users').set({ role }).where('id', '=', id).execute();
	});
}

/** Disables (and signs out) or re-enables a user; refuses to disable the last active admin. */
export async function setDisabled(db: Db, id: number, disabled: boolean): Promise<void> {
	await db.transaction().execute(async (trx) => {
		await trx.selectFrom('users').select('id').where('role', '=', 'admin').forUpdate().execute();
		if (disabled) await assertAnotherActiveAdmin(trx, id);
		await trx
			.updateTable('users')
			.set({ disabled_at: disabled ? new Date() : null })
			.where('id', '=', id)
			.execute();
		if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
	});
}

export async function setPassword(db: DbOrTrx, id: number, password: string): Promise<void> {
	const password_hash = await hashPassword(password);
	await db.updateTable('users').set({ password_hash }).where('id', '=', id).execute();
	await db.deleteFrom('sessions').where('user_id', '=', id).execute();
}

/** True for PostgreSQL's unique_violation (23505), from either driver. */
export function isUniqueViolation(e: unknown): boolean {
	return typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';
}
