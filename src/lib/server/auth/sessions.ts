import type { DbOrTrx } from '../db';
import { randomToken, sha256 } from '../crypto';
import { userRowToUser, type User } from './users';

export const SESSION_COOKIE = 'soundings_session';
const DAY = 86_400_000;

/** Starts a session; returns the raw token for the cookie (only its SHA-256 is stored). */
export async function create(
	db: DbOrTrx,
	userId: number,
	opts: { days: number; ip?: string; userAgent?: string; now?: Date }
): Promise<{ token: string; expiresAt: Date }> {
	const token = randomToken(32);
	const now = opts.now ?? new Date();
	const expiresAt = new Date(now.getTime() + opts.days * DAY);
	await db
		.insertInto('sessions')
		.values({
			id_hash: sha256(token),
			user_id: userId,
			created_at: now,
			expires_at: expiresAt,
			ip: opts.ip ?? null,
			user_agent: opts.userAgent?.slice(0, 300) ?? null
		})
		.execute();
	await db.updateTable('users').set({ last_login_at: now }).where('id', '=', userId).execute();
	return { token, expiresAt };
}

export interface Validated {
	user: User;
	expiresAt: Date;
	/** true when the expiry was pushed out and the cookie should be re-sent */
	renewed: boolean;
}

/** Looks a token up; returns undefined for unknown, expired or disabled. Slides the expiry. */
export async function validate(
	db: DbOrTrx,
	token: string,
	opts: { days: number; now?: Date }
): Promise<Validated | undefined> {
	if (!token || token.length > 200) return undefined;
	const now = opts.now ?? new Date();
	const idHash = sha256(token);
	const row = await db
		.selectFrom('sessions')
		.innerJoin('users', 'users.id', 'sessions.user_id')
		.selectAll('users')
		.select(['sessions.expires_at as session_expires_at'])
		.where('sessions.id_hash', '=', idHash)
		.executeTakeFirst();
	if (!row) return undefined;
	if (row.session_expires_at.getTime() <= now.getTime() || row.disabled_at) {
		await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
		return undefined;
	}
	const { session_expires_at, ...userRow } = row;
	let expiresAt = session_expires_at;
	let renewed = false;
	// Slide the expiry once less than half the lifetime remains.
	if (expiresAt.getTime() - now.getTime() < (opts.days * DAY) / 2) {
		expiresAt = new Date(now.getTime() + opts.days * DAY);
		renewed = true;
		await db
			.updateTable('sessions')
			.set({ expires_at: expiresAt })
			.where('id_hash', '=', idHash)
			.execute();
	}
	return { user: userRowToUser(userRow), expiresAt, renewed };
}

export async function remove(db: DbOrTrx, token: string): Promise<void> {
	await db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
}

export async function prune(db: DbOrTrx, now = new Date()): Promise<void> {
	await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}
