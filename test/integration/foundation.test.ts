import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { login, sessions, users } from '$lib/server/auth';
import { bootstrap } from '$lib/server/bootstrap';
import * as demo from '$lib/server/demo';
import { migrateDown, migrateToLatest, pendingMigrations } from '$lib/server/db/migrate';
import * as ratelimit from '$lib/server/ratelimit';
import { createTestDb, testDbKind, useTestDb } from '../helpers/db';

const ctx = useTestDb();

describe(`foundation on ${testDbKind}`, () => {
	it('starts with the seven default topics', async () => {
		const topics = await ctx.db.selectFrom('topics').select('key').orderBy('position').execute();
		expect(topics.map((t) => t.key)).toEqual([
			'marketing-message',
			'brand-attachment',
			'value-for-money',
			'website-navigation',
			'payment-options',
			'shipping-delivery',
			'service'
		]);
	});

	it('returns counts and numerics as numbers on both drivers', async () => {
		const row = await sql<{
			n: number;
			x: number;
		}>`select count(*) as n, 1.5::numeric as x`.execute(ctx.db);
		expect(row.rows[0]).toEqual({ n: 1, x: 1.5 });
	});

	it('bootstrap creates one admin with a generated password, loads the demo once', async () => {
		const first = await bootstrap(ctx.db, { DEMO: 'on' });
		expect(first.admin?.generated).toBe(true);
		expect(first.admin?.password.length).toBeGreaterThanOrEqual(16);
		expect(await demo.isLoaded(ctx.db)).toBe(true);
		const second = await bootstrap(ctx.db, { DEMO: 'on' });
		expect(second.admin).toBeUndefined();
		const all = await users.list(ctx.db);
		expect(all.filter((u) => u.role === 'admin')).toHaveLength(1);
		expect(
			all
				.filter((u) => u.isDemo)
				.map((u) => u.role)
				.sort()
		).toEqual(['editor', 'viewer']);
		await demo.remove(ctx.db);
		expect(await demo.isLoaded(ctx.db)).toBe(false);
		expect((await users.list(ctx.db)).map((u) => u.role)).toEqual(['admin']);
	});

	it('signs in with the right password only, stores only a hash of the session token', async () => {
		await users.create(ctx.db, {
			email: 'Ann@Example.com',
			password: 'correct horse battery',
			role: 'editor'
		});
		const bad = await login(ctx.db, {
			email: 'ann@example.com',
			password: 'wrong',
			ip: '1.1.1.1',
			sessionDays: 14
		});
		expect(bad).toEqual({ ok: false, reason: 'invalid' });
		const unknown = await login(ctx.db, {
			email: 'nobody@example.com',
			password: 'x',
			ip: '1.1.1.1',
			sessionDays: 14
		});
		expect(unknown).toEqual({ ok: false, reason: 'invalid' });
		const good = await login(ctx.db, {
			email: ' ANN@example.com ',
			password: 'correct horse battery',
			ip: '1.1.1.1',
			sessionDays: 14
		});
		expect(good.ok).toBe(true);
		if (!good.ok) return;
		expect(good.token.length).toBeGreaterThanOrEqual(43); // 256 bits base64url
		const stored = await ctx.db.selectFrom('sessions').select('id_hash').execute();
		expect(stored).toHaveLength(1);
		expect(stored[0].id_hash).not.toContain(good.token);
		const valid = await sessions.validate(ctx.db, good.token, { days: 14 });
		expect(valid?.user.email).toBe('Ann@Example.com');
		expect(await sessions.validate(ctx.db, good.token + 'x', { days: 14 })).toBeUndefined();
	});

	it('expires sessions, slides the expiry, and drops sessions of disabled users', async () => {
		const ann = await users.create(ctx.db, {
			email: 'ann@example.com',
			password: 'correct horse battery',
			role: 'admin'
		});
		await users.create(ctx.db, {
			email: 'bob@example.com',
			password: 'correct horse battery',
			role: 'admin'
		});
		const t0 = new Date('2026-01-01T00:00:00Z');
		const s = await sessions.create(ctx.db, ann.id, { days: 10, now: t0 });
		const day = 86_400_000;
		const early = await sessions.validate(ctx.db, s.token, {
			days: 10,
			now: new Date(t0.getTime() + day)
		});
		expect(early?.renewed).toBe(false);
		const later = await sessions.validate(ctx.db, s.token, {
			days: 10,
			now: new Date(t0.getTime() + 6 * day)
		});
		expect(later?.renewed).toBe(true);
		expect(later?.expiresAt.getTime()).toBe(t0.getTime() + 16 * day);
		expect(
			await sessions.validate(ctx.db, s.token, { days: 10, now: new Date(t0.getTime() + 17 * day) })
		).toBeUndefined();
		const s2 = await sessions.create(ctx.db, ann.id, { days: 10 });
		await users.setDisabled(ctx.db, ann.id, true);
		expect(await sessions.validate(ctx.db, s2.token, { days: 10 })).toBeUndefined();
		const again = await login(ctx.db, {
			email: 'ann@example.com',
			password: 'correct horse battery',
			ip: '2.2.2.2',
			sessionDays: 10
		});
		expect(again).toEqual({ ok: false, reason: 'disabled' });
	});

	it('refuses to remove the last active admin', async () => {
		const ann = await users.create(ctx.db, {
			email: 'ann@example.com',
			password: 'correct horse battery',
			role: 'admin'
		});
		await expect(users.setRole(ctx.db, ann.id, 'viewer')).rejects.toBeInstanceOf(
			users.LastAdminError
		);
		await expect(users.setDisabled(ctx.db, ann.id, true)).rejects.toBeInstanceOf(
			users.LastAdminError
		);
		expect((await users.get(ctx.db, ann.id))?.role).toBe('admin');
	});

	it('rejects a duplicate e-mail regardless of case', async () => {
		await users.create(ctx.db, {
			email: 'ann@example.com',
			password: 'correct horse battery',
			role: 'viewer'
		});
		await expect(
			users.create(ctx.db, {
				email: 'ANN@example.com',
				password: 'correct horse battery',
				role: 'viewer'
			})
		).rejects.toBeInstanceOf(users.DuplicateEmailError);
	});

	it('rate-limits sign-in per account after 10 tries in 15 minutes', async () => {
		await users.create(ctx.db, {
			email: 'ann@example.com',
			password: 'correct horse battery',
			role: 'viewer'
		});
		for (let i = 0; i < 10; i++) {
			const r = await login(ctx.db, {
				email: 'ann@example.com',
				password: 'nope',
				ip: `10.0.0.${i}`,
				sessionDays: 1
			});
			expect(r.ok).toBe(false);
		}
		const blocked = await login(ctx.db, {
			email: 'ann@example.com',
			password: 'correct horse battery',
			ip: '10.0.1.1',
			sessionDays: 1
		});
		expect(blocked.ok).toBe(false);
		expect(!blocked.ok && blocked.reason).toBe('rate_limited');
	});

	it('counts rate-limit hits in fixed windows shared through the database', async () => {
		const limit = { max: 2, windowSeconds: 60 };
		const at = new Date('2026-03-01T10:00:10Z');
		expect((await ratelimit.hit(ctx.db, 'k', limit, at)).allowed).toBe(true);
		expect((await ratelimit.hit(ctx.db, 'k', limit, at)).allowed).toBe(true);
		const third = await ratelimit.hit(ctx.db, 'k', limit, at);
		expect(third).toEqual({ allowed: false, hits: 3, retryAfterSeconds: 50 });
		expect(
			(await ratelimit.hit(ctx.db, 'k', limit, new Date('2026-03-01T10:01:00Z'))).allowed
		).toBe(true);
	});
});

describe('migrations', () => {
	it('revert and re-apply cleanly', async () => {
		const handle = await createTestDb();
		try {
			expect(await pendingMigrations(handle.db as never)).toEqual([]);
			const down = await migrateDown(handle.db as never);
			expect(down).toHaveLength(1);
			expect(await pendingMigrations(handle.db as never)).toEqual(down);
			expect(await migrateToLatest(handle.db as never)).toEqual(down);
		} finally {
			await handle.close();
		}
	});
});
