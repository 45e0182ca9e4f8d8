import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ManualClock } from '$lib/server/clock';
import { sha256 } from '$lib/server/crypto';
import * as mail from '$lib/server/mail';
import * as scheduling from '$lib/server/scheduling';
import { reminders, waves } from '$lib/server/scheduling';
import { scheduleSchema } from '$lib/schemas/schedules';
import { bootstrap } from '$lib/server/bootstrap';
import * as demo from '$lib/server/demo';
import { createPublishedSurvey } from '../helpers/fixtures';
import { testDbKind, useTestDb } from '../helpers/db';
import { allCustomersSegment, bulkCustomers, scheduleFixture } from '../helpers/scheduling';

const ctx = useTestDb();
const DAY = 86_400_000;
const NOW = new Date('2026-01-01T00:00:00Z');

function tokenOf(text: string): string {
	const m = /\/s\/([0-9a-f]{64})/.exec(text);
	if (!m) throw new Error(`no survey link in:\n${text}`);
	return m[1];
}

async function expectInputError(p: Promise<unknown>, field: string, re: RegExp) {
	const e = await p.then(
		() => null,
		(x: unknown) => x
	);
	expect(e).toBeInstanceOf(scheduling.ScheduleInputError);
	expect((e as scheduling.ScheduleInputError).errors[field]).toMatch(re);
}

describe(`scheduling on ${testDbKind}`, () => {
	it('refuses bad schedules with a message per field and saves nothing', async () => {
		await bulkCustomers(ctx.db, 3);
		const { input } = await scheduleFixture(ctx.db);
		const opts = { now: NOW, userId: null };
		await expectInputError(
			scheduling.create(ctx.db, { ...input, preset: 'custom', cron: '61 * * * *' }, opts),
			'cron',
			/minute/
		);
		await expectInputError(
			scheduling.create(ctx.db, { ...input, preset: 'custom', cron: 'every day' }, opts),
			'cron',
			/five fields/
		);
		await expectInputError(
			scheduling.create(ctx.db, { ...input, timeZone: 'Mars/Olympus' }, opts),
			'timeZone',
			/not a time zone/
		);
		await expectInputError(
			scheduling.create(ctx.db, { ...input, mailBody: 'Hi {{nmae}} {{link}}' }, opts),
			'mailBody',
			/Unknown placeholder \{\{nmae\}\}/
		);
		await expectInputError(
			scheduling.create(ctx.db, { ...input, mailSubject: 'Hi {{password}}' }, opts),
			'mailSubject',
			/Unknown placeholder/
		);
		await expectInputError(
			scheduling.create(ctx.db, { ...input, mailBody: 'No link here' }, opts),
			'mailBody',
			/\{\{link\}\}/
		);
		const draft = await ctx.db
			.insertInto('surveys')
			.values({ title: 'Draft only' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await expectInputError(
			scheduling.create(ctx.db, { ...input, surveyId: draft.id }, opts),
			'surveyId',
			/not published/
		);
		await ctx.db.updateTable('customers').set({ unsubscribed_at: NOW }).execute();
		await expectInputError(scheduling.create(ctx.db, input, opts), 'segmentId', /no customers/);
		const bad = scheduleSchema.safeParse({
			...Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v ?? '')])),
			startsOn: '2026-05-01',
			endsOn: '2026-04-01'
		});
		expect(bad.success).toBe(false);
		expect(bad.error?.issues.find((i) => i.path[0] === 'endsOn')?.message).toMatch(
			/after the start/
		);
		const n = await ctx.db
			.selectFrom('schedules')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(n.n)).toBe(0);
	});

	it('creates one wave per occurrence, including ticks missed while nothing ran', async () => {
		await bulkCustomers(ctx.db, 5);
		const { input } = await scheduleFixture(ctx.db);
		const id = await scheduling.create(ctx.db, input, { now: NOW, userId: null });
		const s = await scheduling.get(ctx.db, id);
		// first Monday 09:00 Berlin on or after 1 January 2026 = 5 January 08:00Z
		expect(s?.nextRunAt?.toISOString()).toBe('2026-01-05T08:00:00.000Z');
		// the app was down for three weeks: all three occurrences still go out, once each
		const later = new Date('2026-01-20T12:00:00Z');
		expect(await waves.tick(ctx.db, later)).toBe(3);
		expect(await waves.tick(ctx.db, later)).toBe(0);
		const list = await ctx.db
			.selectFrom('waves')
			.select('scheduled_for')
			.orderBy('scheduled_for')
			.execute();
		expect(list.map((w) => w.scheduled_for.toISOString())).toEqual([
			'2026-01-05T08:00:00.000Z',
			'2026-01-12T08:00:00.000Z',
			'2026-01-19T08:00:00.000Z'
		]);
		expect((await scheduling.get(ctx.db, id))?.nextRunAt?.toISOString()).toBe(
			'2026-01-26T08:00:00.000Z'
		);
	});

	it('stops after the number of waves and honours pause and resume', async () => {
		await bulkCustomers(ctx.db, 2);
		const { input } = await scheduleFixture(ctx.db, { maxWaves: '2' });
		const id = await scheduling.create(ctx.db, input, { now: NOW, userId: null });
		await scheduling.pause(ctx.db, id, NOW);
		expect(await waves.tick(ctx.db, new Date('2026-02-01T00:00:00Z'))).toBe(0);
		await scheduling.resume(ctx.db, id, new Date('2026-02-01T00:00:00Z'));
		// occurrences during the pause are skipped: the next is Monday 2 February
		expect((await scheduling.get(ctx.db, id))?.nextRunAt?.toISOString()).toBe(
			'2026-02-02T08:00:00.000Z'
		);
		expect(await waves.tick(ctx.db, new Date('2026-03-01T00:00:00Z'))).toBe(2);
		expect((await scheduling.get(ctx.db, id))?.nextRunAt).toBeNull();
	});

	it('materializes invitations once, skipping unsubscribed, erased and capped customers', async () => {
		await bulkCustomers(ctx.db, 10);
		const { input } = await scheduleFixture(ctx.db, {}, { capDays: 30 });
		await ctx.db
			.updateTable('customers')
			.set({ unsubscribed_at: NOW })
			.where('id', '=', 1)
			.execute();
		await ctx.db.updateTable('customers').set({ erased_at: NOW }).where('id', '=', 2).execute();
		// customer 3 was invited by another survey 10 days ago: inside the 30-day contact cap
		const other = await createPublishedSurvey(ctx.db);
		const oldWave = await ctx.db
			.insertInto('waves')
			.values({ survey_id: other.surveyId, scheduled_for: NOW, status: 'open' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await ctx.db
			.insertInto('invitations')
			.values({
				wave_id: oldWave.id,
				customer_id: 3,
				token_hash: sha256('x'),
				created_at: new Date('2026-01-26T00:00:00Z')
			})
			.execute();
		const id = await scheduling.create(ctx.db, input, { now: NOW, userId: null });
		const at = new Date('2026-02-05T09:00:00Z');
		const waveId = await waves.sendNow(ctx.db, id, at);
		expect(await waves.materializeDue(ctx.db, at)).toEqual([waveId]);
		expect(await waves.materializeDue(ctx.db, at)).toEqual([]);
		const invited = await ctx.db
			.selectFrom('invitations')
			.select('customer_id')
			.where('wave_id', '=', waveId)
			.orderBy('customer_id')
			.execute();
		expect(invited.map((r) => r.customer_id)).toEqual([4, 5, 6, 7, 8, 9, 10]);
		const wave = await ctx.db
			.selectFrom('waves')
			.selectAll()
			.where('id', '=', waveId)
			.executeTakeFirstOrThrow();
		expect(wave.status).toBe('sending');
		expect(wave.invited_count).toBe(7);
		expect(wave.version_id).not.toBeNull();
		expect(wave.closes_at?.toISOString()).toBe(new Date(at.getTime() + 14 * DAY).toISOString());

		// each e-mail carries a token whose SHA-256 is the invitation's stored hash
		const mails = await ctx.db
			.selectFrom('outbox')
			.selectAll()
			.where('wave_id', '=', waveId)
			.orderBy('invitation_id')
			.execute();
		expect(mails).toHaveLength(7);
		const m = mails[0];
		const token = tokenOf(m.text_body);
		const inv = await scheduling.findInvitationByToken(ctx.db, token);
		expect(inv?.invitationId).toBe(m.invitation_id);
		expect(inv?.customerId).toBe(4);
		expect(m.subject).toBe('Hello Customer 4, a few questions');
		expect(m.text_body).toContain('Hi Customer 4,');
		expect(m.text_body).toContain(`/u/${token}`);
		expect(m.html_body).toContain(`<a href="http://localhost:3000/s/${token}">`);
		expect(m.headers['List-Unsubscribe']).toBe(`<http://localhost:3000/u/${token}>`);
		expect(m.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
		const stored = await ctx.db
			.selectFrom('invitations')
			.select('token_hash')
			.where('token_hash', '=', token)
			.execute();
		expect(stored).toHaveLength(0); // the raw token is never stored with the invitation
	});

	it('escapes customer names in the HTML part of set-based mail', async () => {
		await ctx.db
			.insertInto('customers')
			.values({ external_id: 'x', email: 'x@example.com', name: '<script>alert(1)</script> & Co' })
			.execute();
		const { input } = await scheduleFixture(ctx.db);
		const id = await scheduling.create(ctx.db, input, { now: NOW, userId: null });
		await waves.sendNow(ctx.db, id, NOW);
		await waves.materializeDue(ctx.db, NOW);
		const m = await ctx.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(m.html_body).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co,');
		expect(m.html_body).not.toContain('<script>');
		expect(m.text_body).toContain('Hi <script>alert(1)</script> & Co,');
	});

	it('sends through the outbox, keeps mail without SMTP, opens the wave, reminds and closes', async () => {
		await bulkCustomers(ctx.db, 4);
		const { input } = await scheduleFixture(ctx.db, { startsOn: '2026-03-03' });
		const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
		const id = await scheduling.create(ctx.db, input, { now: clock.now(), userId: null });
		const waveId = await waves.sendNow(ctx.db, id, clock.now());
		await scheduling.runPipeline(ctx.db, clock, mail.keepTransport);
		const kept = await mail.list(ctx.db, { limit: 10, offset: 0 });
		expect(kept.items.map((i) => [i.status, i.delivery])).toEqual(Array(4).fill(['sent', 'kept']));
		const w = await ctx.db
			.selectFrom('waves')
			.selectAll()
			.where('id', '=', waveId)
			.executeTakeFirstOrThrow();
		expect(w.status).toBe('open');
		const [stats] = (await waves.listForSchedule(ctx.db, id, { limit: 5, offset: 0 })).items;
		expect(stats).toMatchObject({ invited: 4, delivered: 4, completed: 0 });

		// customer 1 completes; after 3 days the others get reminder 1 with a fresh working link
		await ctx.db
			.updateTable('invitations')
			.set({ completed_at: clock.now() })
			.where('customer_id', '=', 1)
			.execute();
		clock.advance(2 * DAY);
		expect(await reminders.sendDue(ctx.db, clock.now())).toBe(0);
		clock.advance(1 * DAY + 1000);
		expect(await reminders.sendDue(ctx.db, clock.now())).toBe(3);
		expect(await reminders.sendDue(ctx.db, clock.now())).toBe(0);
		const r1 = await ctx.db
			.selectFrom('outbox')
			.selectAll()
			.where('kind', '=', 'reminder')
			.orderBy('id')
			.execute();
		expect(r1).toHaveLength(3);
		expect(r1[0].subject).toMatch(/^Reminder: Hello/);
		const inv = await scheduling.findInvitationByToken(ctx.db, tokenOf(r1[0].text_body));
		expect(inv?.customerId).toBe(r1[0].invitation_id && 2);
		// reminder 2 after 4 more days, then the wave closes after 14 days
		clock.advance(4 * DAY);
		expect(await reminders.sendDue(ctx.db, clock.now())).toBe(3);
		clock.advance(10 * DAY);
		expect(await reminders.sendDue(ctx.db, clock.now())).toBe(0);
		await scheduling.runPipeline(ctx.db, clock, mail.keepTransport);
		const closed = await ctx.db
			.selectFrom('waves')
			.select('status')
			.where('id', '=', waveId)
			.executeTakeFirstOrThrow();
		expect(closed.status).toBe('closed');
		expect(
			(await scheduling.findInvitationByToken(ctx.db, tokenOf(r1[0].text_body)))?.waveStatus
		).toBe('closed');
	});

	it('retries failures with backoff, gives up after the last try, and can be retried by hand', async () => {
		const clock = new ManualClock(NOW);
		await mail.enqueue(ctx.db, {
			kind: 'test',
			idempotencyKey: 'k1',
			to: 'a@example.com',
			subject: 's',
			text: 't',
			html: '<p>t</p>'
		});
		expect(
			await mail.enqueue(ctx.db, {
				kind: 'test',
				idempotencyKey: 'k1',
				to: 'a@example.com',
				subject: 's',
				text: 't',
				html: '<p>t</p>'
			})
		).toBeNull();
		let calls = 0;
		const failing: mail.Transport = {
			kind: 'smtp',
			async send() {
				calls++;
				throw new Error('550 mailbox unavailable');
			},
			close() {}
		};
		const opts = { transport: failing, ratePerMinute: 100, from: 'S <s@example.com>' };
		for (let i = 0; i < mail.MAX_ATTEMPTS; i++) {
			expect(await mail.sendDue(ctx.db, clock, opts)).toEqual({ sent: 0, failed: 1 });
			// not due again before the backoff has passed
			expect(await mail.sendDue(ctx.db, clock, opts)).toEqual({ sent: 0, failed: 0 });
			clock.advance(mail.backoffMs(i + 1));
		}
		expect(calls).toBe(mail.MAX_ATTEMPTS);
		const [row] = (await mail.list(ctx.db, { limit: 1, offset: 0 })).items;
		expect(row.status).toBe('failed');
		expect(row.lastError).toBe('550 mailbox unavailable');
		clock.advance(DAY);
		expect(await mail.sendDue(ctx.db, clock, opts)).toEqual({ sent: 0, failed: 0 });
		await mail.retry(ctx.db, row.id, clock.now());
		await expect(mail.retry(ctx.db, row.id, clock.now())).rejects.toThrow(/Only a failed/);
		expect(await mail.sendDue(ctx.db, clock, { ...opts, transport: mail.keepTransport })).toEqual({
			sent: 1,
			failed: 0
		});
	});

	it('sends at most the configured number of e-mails per minute', async () => {
		const clock = new ManualClock(NOW);
		for (let i = 0; i < 5; i++)
			await mail.enqueue(ctx.db, {
				kind: 'test',
				idempotencyKey: `r${i}`,
				to: `r${i}@example.com`,
				subject: 's',
				text: 't',
				html: 't'
			});
		const ok: mail.Transport = { kind: 'smtp', send: async () => {}, close() {} };
		const opts = { transport: ok, ratePerMinute: 3, from: 's@example.com' };
		expect((await mail.sendDue(ctx.db, clock, opts)).sent).toBe(3);
		clock.advance(30_000);
		expect((await mail.sendDue(ctx.db, clock, opts)).sent).toBe(0);
		clock.advance(31_000);
		expect((await mail.sendDue(ctx.db, clock, opts)).sent).toBe(2);
	});

	it('unsubscribes by the token in the e-mail and never invites that customer again', async () => {
		await bulkCustomers(ctx.db, 2);
		const { input } = await scheduleFixture(ctx.db);
		const id = await scheduling.create(ctx.db, input, { now: NOW, userId: null });
		await waves.sendNow(ctx.db, id, NOW);
		await waves.materializeDue(ctx.db, NOW);
		const m = await ctx.db.selectFrom('outbox').selectAll().orderBy('id').executeTakeFirstOrThrow();
		const token = tokenOf(m.text_body);
		const target = await scheduling.findUnsubscribeTarget(ctx.db, token);
		expect(target).toMatchObject({ maskedEmail: 'k***@example.com', unsubscribed: false });
		expect(await scheduling.unsubscribe(ctx.db, token, NOW)).toBe(true);
		expect(await scheduling.unsubscribe(ctx.db, token, NOW)).toBe(true);
		expect(await scheduling.unsubscribe(ctx.db, 'f'.repeat(64), NOW)).toBe(false);
		const later = new Date(NOW.getTime() + DAY);
		const w2 = await waves.sendNow(ctx.db, id, later);
		await waves.materializeDue(ctx.db, later);
		const again = await ctx.db
			.selectFrom('invitations')
			.select('customer_id')
			.where('wave_id', '=', w2)
			.execute();
		expect(again.map((r) => r.customer_id)).not.toContain(target!.customerId);
		expect(again).toHaveLength(1);
	});

	it('a wave whose survey lost its published version closes with a note instead of sending', async () => {
		await bulkCustomers(ctx.db, 2);
		const { input, surveyId } = await scheduleFixture(ctx.db);
		const id = await scheduling.create(ctx.db, input, { now: NOW, userId: null });
		await sql`update survey_versions set status = 'draft' where survey_id = ${surveyId}`.execute(
			ctx.db
		);
		const waveId = await waves.sendNow(ctx.db, id, NOW);
		await waves.materializeDue(ctx.db, NOW);
		const w = await ctx.db
			.selectFrom('waves')
			.selectAll()
			.where('id', '=', waveId)
			.executeTakeFirstOrThrow();
		expect(w.status).toBe('closed');
		expect(w.note).toMatch(/no published version/);
	});

	it('queues a test send to one address with example links', async () => {
		const segmentId = await allCustomersSegment(ctx.db);
		expect(segmentId).toBeGreaterThan(0);
		await scheduling.testSend(
			ctx.db,
			{
				subject: 'Hi {{first_name}}',
				body: 'Go: {{link}}',
				senderName: 'Team',
				surveyTitle: 'T',
				closesAt: null,
				timeZone: 'UTC'
			},
			{ address: 'me@example.com', name: 'Maria Muster' }
		);
		const [row] = (await mail.list(ctx.db, { limit: 5, offset: 0 })).items;
		expect(row).toMatchObject({ kind: 'test', to: 'me@example.com', subject: '[Test] Hi Maria' });
	});

	it('the demo has a quarterly schedule with four past waves of invitations, removable', async () => {
		await bootstrap(ctx.db, { DEMO: 'on' });
		const { items } = await scheduling.list(ctx.db, { limit: 10, offset: 0 });
		expect(items).toHaveLength(1);
		const s = items[0];
		expect(s).toMatchObject({ name: 'Quarterly customer survey', isDemo: true, waveCount: 4 });
		expect(s.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
		const list = await waves.listForSchedule(ctx.db, s.id, { limit: 10, offset: 0 });
		expect(list.items.every((w) => w.invited > 10)).toBe(true);
		expect(list.items.every((w) => w.delivered > 0 && w.opened > 0)).toBe(true);
		await demo.remove(ctx.db);
		expect((await scheduling.list(ctx.db, { limit: 10, offset: 0 })).total).toBe(0);
		expect(await ctx.db.selectFrom('invitations').select('id').execute()).toEqual([]);
	});
});
