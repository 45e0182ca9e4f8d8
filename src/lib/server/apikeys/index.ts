import { randomToken, sha256 } from '../crypto';
import type { DbOrTrx } from '../db';
import { json } from '../db/json';
import * as ratelimit from '../ratelimit';

// API keys for integrations. A key is shown once at creation; only its SHA-256 is stored, with a
// short prefix so admins can tell keys apart. JSON endpoints authenticate with
// `Authorization: Bearer <key>`, never with the session cookie (so no CSRF on them).

export const KEY_PREFIX = 'sdk_';

export interface ApiKey {
	id: number;
	name: string;
	prefix: string;
	createdAt: Date;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
	createdBy: string | null;
}

export class ApiKeyNotFoundError extends Error {
	constructor() {
		super('That API key does not exist or is already revoked.');
	}
}

/** Creates a key; returns it in full (the only time it is visible) with its id. */
export async function create(
	db: DbOrTrx,
	input: { name: string; userId: number }
): Promise<{ id: number; key: string }> {
	const key = KEY_PREFIX + randomToken(32);
	const row = await db
		.insertInto('api_keys')
		.values({
			name: input.name,
			prefix: key.slice(0, KEY_PREFIX.length + 6),
			key_hash: sha256(key),
			created_by: input.userId
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await db
		.insertInto('audit_log')
		.values({
			user_id: input.userId,
			action: 'api_key.create',
			entity: 'api_key',
			entity_id: String(row.id),
			details: json({ name: input.name })
		})
		.execute();
	return { id: row.id, key };
}

/** All keys, active first, newest first. */
export async function list(db: DbOrTrx): Promise<ApiKey[]> {
	const rows = await db
		.selectFrom('api_keys')
		.leftJoin('users', 'users.id', 'api_keys.created_by')
		.select([
			'api_keys.id',
			'api_keys.name',
			'api_keys.prefix',
			'api_keys.created_at',
			'api_keys.last_used_at',
			'api_keys.revoked_at',
			'users.email'
		])
		.orderBy((eb) => eb('api_keys.revoked_at', 'is', null), 'desc')
		.orderBy('api_keys.id', 'desc')
		.limit(200)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		prefix: r.prefix,
		createdAt: r.created_at,
		lastUsedAt: r.last_used_at,
		revokedAt: r.revoked_at,
		createdBy: r.email
	}));
}

/** Revokes a key at once. */
export async function revoke(db: DbOrTrx, id: number, userId: number): Promise<void> {
	const r = await db
		.updateTable('api_keys')
		.set({ revoked_at: new Date() })
		.where('id', '=', id)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	if (!r.numUpdatedRows) throw new ApiKeyNotFoundError();
	await db
		.insertInto('audit_log')
		.values({ user_id: userId, action: 'api_key.revoke', entity: 'api_key', entity_id: String(id) })
		.execute();
}

export type AuthResult =
	{ ok: true; keyId: number; name: string } | { ok: false; status: 401 | 429; message: string };

const FAIL_LIMIT = { max: 30, windowSeconds: 60 };

/**
 * Reads `Authorization: Bearer <key>` and checks it against the stored hashes. Failed attempts
 * are rate-limited per client address. Reuse this in every /api/v1 endpoint.
 */
export async function authenticateApiKey(
	db: DbOrTrx,
	request: Request,
	opts: { ip?: string } = {}
): Promise<AuthResult> {
	const header = request.headers.get('authorization') ?? '';
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	const ipKey = `apikey:fail:${opts.ip ?? 'unknown'}`;
	const blocked = async (): Promise<AuthResult | null> => {
		const r = await ratelimit.hit(db, ipKey, FAIL_LIMIT);
		return r.allowed
			? null
			: { ok: false, status: 429, message: 'Too many failed attempts; try again in a minute.' };
	};
	if (!match) {
		return (
			(await blocked()) ?? {
				ok: false,
				status: 401,
				message: 'Send an API key as "Authorization: Bearer <key>" (Settings → API keys).'
			}
		);
	}
	const row = await db
		.selectFrom('api_keys')
		.select(['id', 'name', 'last_used_at'])
		.where('key_hash', '=', sha256(match[1]))
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	if (!row) {
		return (await blocked()) ?? { ok: false, status: 401, message: 'The API key is not valid.' };
	}
	const now = new Date();
	// record use at most once a minute, so busy integrations do not write on every call
	if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
		await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
	}
	return { ok: true, keyId: row.id, name: row.name };
}
