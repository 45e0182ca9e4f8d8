import type { Db } from '../db';
import * as ratelimit from '../ratelimit';
import { burnVerifyTime, verifyPassword } from './passwords';
import * as sessions from './sessions';
import * as users from './users';

export * as sessions from './sessions';
export * as users from './users';
export { requireRole, requireUser, can, type Role } from './guards';

const ACCOUNT_LIMIT = { max: 10, windowSeconds: 15 * 60 };
const IP_LIMIT = { max: 30, windowSeconds: 15 * 60 };

export type LoginResult =
	| { ok: true; token: string; expiresAt: Date; user: users.User }
	| { ok: false; reason: 'invalid' | 'disabled' }
	| { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/** Checks credentials under per-account and per-IP rate limits and starts a session. */
export async function login(
	db: Db,
	input: { email: string; password: string; ip: string; userAgent?: string; sessionDays: number }
): Promise<LoginResult> {
	const email = input.email.trim().toLowerCase();
	const accountKey = `login:account:${email}`;
	const ipKey = `login:ip:${input.ip}`;
	const [account, ip] = await Promise.all([
		ratelimit.hit(db, accountKey, ACCOUNT_LIMIT),
		ratelimit.hit(db, ipKey, IP_LIMIT)
	]);
	if (!account.allowed || !ip.allowed) {
		const retryAfterSeconds = Math.max(
			account.allowed ? 0 : account.retryAfterSeconds,
			ip.allowed ? 0 : ip.retryAfterSeconds
		);
		return { ok: false, reason: 'rate_limited', retryAfterSeconds };
	}
	const row = await users.findByEmail(db, email);
	if (!row) {
		await burnVerifyTime(input.password);
		return { ok: false, reason: 'invalid' };
	}
	if (!(await verifyPassword(row.password_hash, input.password)))
		return { ok: false, reason: 'invalid' };
	if (row.disabled_at) return { ok: false, reason: 'disabled' };
	await ratelimit.reset(db, accountKey);
	const session = await sessions.create(db, row.id, {
		days: input.sessionDays,
		ip: input.ip,
		userAgent: input.userAgent
	});
	return { ok: true, ...session, user: users.userRowToUser(row) };
}
