import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ManualClock } from '$lib/server/clock';
import { openDb } from '$lib/server/db';
import type { Transport } from '$lib/server/mail';
import * as scheduling from '$lib/server/scheduling';
import { recurrence } from '$lib/server/scheduling';
import { testDbKind, useTestDb } from '../helpers/db';
import { bulkCustomers, scheduleFixture } from '../helpers/scheduling';

const ctx = useTestDb();
const DAY = 86_400_000;
const REASON =
	'PGlite is one process with one session: FOR UPDATE SKIP LOCKED between instances cannot be exercised; this runs on PostgreSQL (TEST_DATABASE_URL).';

describe(`three workers over a simulated year on ${testDbKind} (design R3)`, () => {
	if (testDbKind === 'pglite') console.log(`skipped: ${REASON}`);

	it.skipIf(testDbKind === 'pglite')(
		'creates every occurrence once and never invites or mails anyone twice',
		async () => {
			await bulkCustomers(ctx.db, 20);
			const start = new Date('2026-01-01T00:00:00Z');
			const end = new Date(`${process.env.SIM_END ?? '2026-12-31'}T23:59:59Z`);
			const presets = [
				{ preset: 'weekly', weekday: '3', time: '02:30', timeZone: 'Europe/Berlin' },
				{ preset: 'monthly', day: '28', time: '09:00', timeZone: 'America/New_York' },
				{ preset: 'quarterly', time: '08:15', timeZone: 'Australia/Sydney' },
				{ preset: 'custom', cron: '30 6 */2 * *', timeZone: 'Europe/Berlin' }
			];
			const ids: number[] = [];
			for (const p of presets) {
				const { input } = await scheduleFixture(ctx.db, {
					...p,
					endsOn: process.env.SIM_END ?? '2026-12-31',
					reminder1: '2',
					reminder2: ''
				});
				ids.push(await scheduling.create(ctx.db, input, { now: start, userId: null }));
			}
			const sends = new Map<string, number>();
			const counting: Transport = {
				kind: 'kept',
				async send(m) {
					sends.set(m.messageId, (sends.get(m.messageId) ?? 0) + 1);
				},
				close() {}
			};
			const workers = await Promise.all(
				[1, 2, 3].map(() => openDb({ url: ctx.handle.url!, poolSize: 3 }))
			);
			try {
				const clock = new ManualClock(start);
				while (clock.now() < end) {
					clock.advance(DAY);
					await Promise.all(workers.map((w) => scheduling.runPipeline(w.db, clock, counting)));
				}
			} finally {
				await Promise.all(workers.map((w) => w.close()));
			}
			for (const id of ids) {
				const s = await ctx.db
					.selectFrom('schedules')
					.select(['cron', 'time_zone', 'starts_at', 'ends_at'])
					.where('id', '=', id)
					.executeTakeFirstOrThrow();
				const expected = recurrence.nextRuns(
					s.cron,
					s.time_zone,
					new Date(s.starts_at.getTime() - 1),
					1000,
					s.ends_at
				);
				const got = await ctx.db
					.selectFrom('waves')
					.select('scheduled_for')
					.where('schedule_id', '=', id)
					.orderBy('scheduled_for')
					.execute();
				expect(got.map((w) => w.scheduled_for.toISOString())).toEqual(
					expected.map((d) => d.toISOString())
				);
			}
			const dupInvites = await sql<{ n: number }>`
				select count(*) as n from (select wave_id, customer_id from invitations
				group by 1, 2 having count(*) > 1) d`.execute(ctx.db);
			expect(Number(dupInvites.rows[0].n)).toBe(0);
			const perInvitation = await sql<{ n: number }>`
				select count(*) as n from (select invitation_id from outbox where kind = 'invitation'
				group by 1 having count(*) > 1) d`.execute(ctx.db);
			expect(Number(perInvitation.rows[0].n)).toBe(0);
			const invitations = await ctx.db
				.selectFrom('invitations')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
			expect(Number(invitations.n)).toBeGreaterThan(20 * 200);
			// every message handed to the transport exactly once
			expect([...sends.values()].every((n) => n === 1)).toBe(true);
			const sent = await ctx.db
				.selectFrom('outbox')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('status', '=', 'sent')
				.executeTakeFirstOrThrow();
			expect(sends.size).toBe(Number(sent.n));
		},
		400_000
	);
});
