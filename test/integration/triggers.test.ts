import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '$lib/server/db';
import { ManualClock } from '$lib/server/clock';
import * as surveys from '$lib/server/surveys';
import * as events from '$lib/server/events';
import * as triggers from '$lib/server/triggers';
import * as webhooks from '$lib/server/webhooks';
import * as assignment from '$lib/server/assignment';
import * as results from '$lib/server/results';
import { setGlobalCapDays } from '$lib/server/segments';
import { users } from '$lib/server/auth';
import type { EventInput } from '$lib/schemas/events';
import type { TriggerInput } from '$lib/schemas/triggers';
import { testDbKind, useTestDb } from '../helpers/db';

const ctx = useTestDb();
const HOUR = 3600_000;

async function publishedSurvey(db: Db, template = 'builtin:transactional'): Promise<number> {
	const id = await surveys.createFromTemplate(db, { userId: null, template, title: 'Service' });
	await surveys.publish(db, id, null);
	return id;
}

function triggerInput(surveyId: number, over: Partial<TriggerInput> = {}): TriggerInput {
	return {
		name: 'Ticket closed',
		event_type: 'ticket.closed',
		survey_id: surveyId,
		delay_kind: 'after',
		delay_minutes: 120,
		local_time: '09:00',
		time_zone: 'UTC',
		once_per_days: 0,
		sample_percent: 100,
		mail_subject: 'How did we do, {{first_name}}?',
		mail_body: 'Hello {{name}},\n\nOne question: {{link}}',
		sender_name: 'Support',
		conditions: [],
		...over
	};
}

function event(id: string, at: Date, over: Partial<EventInput> = {}): EventInput {
	return {
		id,
		type: 'ticket.closed',
		occurred_at: at,
		customer: { external_id: 'c-1', email: 'ann@example.com', name: 'Ann Example' },
		reference: 'T-1',
		...over
	};
}

async function count(
	db: Db,
	table: 'invitations' | 'outbox' | 'events' | 'trigger_sends' | 'waves'
) {
	const r = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(r.n);
}

describe(`triggered surveys on ${testDbKind}`, () => {
	it('an event creates exactly one delayed invitation, with one-click answers in the e-mail', async () => {
		const db = ctx.db;
		const surveyId = await publishedSurvey(db);
		await triggers.create(db, triggerInput(surveyId));
		const t0 = new Date('2026-06-10T10:00:00Z');
		const r = await events.ingest(db, [event('e-1', t0)], { now: t0 });
		expect(r).toMatchObject({ created: 1, duplicates: 0, planned: 1 });

		expect(await triggers.sendDue(db, new Date(t0.getTime() + HOUR))).toBe(0);
		expect(await count(db, 'invitations')).toBe(0);

		await triggers.sendDue(db, new Date(t0.getTime() + 2 * HOUR));
		await triggers.sendDue(db, new Date(t0.getTime() + 3 * HOUR));
		expect(await count(db, 'invitations')).toBe(1);
		const wave = await db.selectFrom('waves').selectAll().executeTakeFirstOrThrow();
		expect(wave).toMatchObject({ kind: 'rolling', schedule_id: null, status: 'open' });
		expect(wave.scheduled_for.toISOString()).toBe('2026-06-01T00:00:00.000Z');
		const mail = await db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(mail.to_address).toBe('ann@example.com');
		expect(mail.subject).toBe('How did we do, Ann?');
		expect(mail.text_body).toMatch(/Yes, pleased: http.*\/s\/[A-Za-z0-9_-]+\/answer\?v=yes/);
		expect(mail.text_body).toMatch(/No: http.*\/answer\?v=no/);
		expect(mail.html_body).toContain('>No</a>');
		expect(mail.headers['List-Unsubscribe']).toMatch(/\/u\//);
	});

	it('a replayed event id changes nothing', async () => {
		const db = ctx.db;
		const surveyId = await publishedSurvey(db);
		await triggers.create(db, triggerInput(surveyId));
		const t0 = new Date('2026-06-10T10:00:00Z');
		await events.ingest(db, [event('e-1', t0)], { now: t0 });
		const before = await db.selectFrom('customers').selectAll().executeTakeFirstOrThrow();
		const again = await events.ingest(
			db,
			[event('e-1', t0, { customer: { external_id: 'c-1', name: 'Changed Name' } })],
			{ now: new Date(t0.getTime() + 60_000) }
		);
		expect(again).toMatchObject({ created: 0, duplicates: 1, planned: 0 });
		const after = await db.selectFrom('customers').selectAll().executeTakeFirstOrThrow();
		expect(after).toEqual(before);
		expect(await count(db, 'events')).toBe(1);
		expect(await count(db, 'trigger_sends')).toBe(1);
		// the same id twice in one batch counts once too
		const batch = await events.ingest(db, [event('e-2', t0), event('e-2', t0)], { now: t0 });
		expect(batch.results.map((x) => x.status)).toEqual(['created', 'duplicate']);
	});

	it('the contact-frequency cap, the once-per-N-days rule and unsubscribes stop an invitation', async () => {
		const db = ctx.db;
		const surveyId = await publishedSurvey(db);
		await setGlobalCapDays(db, 30);
		await triggers.create(db, triggerInput(surveyId, { delay_minutes: 0 }));
		const t0 = new Date('2026-06-10T10:00:00Z');
		await events.ingest(db, [event('e-1', t0)], { now: t0 });
		await triggers.sendDue(db, t0);
		expect(await count(db, 'invitations')).toBe(1);

		const t1 = new Date(t0.getTime() + 5 * 24 * HOUR);
		await events.ingest(db, [event('e-2', t1)], { now: t1 });
		await triggers.sendDue(db, t1);
		expect(await count(db, 'invitations')).toBe(1);
		const capped = await db
			.selectFrom('trigger_sends')
			.selectAll()
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(capped).toMatchObject({ status: 'skipped' });
		expect(capped.skip_reason).toMatch(/contact-frequency cap/);

		await setGlobalCapDays(db, 0);
		await db.updateTable('triggers').set({ once_per_days: 90 }).execute();
		const t2 = new Date(t1.getTime() + 24 * HOUR);
		await events.ingest(db, [event('e-3', t2)], { now: t2 });
		await triggers.sendDue(db, t2);
		const once = await db
			.selectFrom('trigger_sends')
			.selectAll()
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(once.skip_reason).toMatch(/within 90 days/);

		await db.updateTable('triggers').set({ once_per_days: 0 }).execute();
		await db.updateTable('customers').set({ unsubscribed_at: t2 }).execute();
		const t3 = new Date(t2.getTime() + HOUR);
		await events.ingest(db, [event('e-4', t3, { customer: { external_id: 'c-1' } })], { now: t3 });
		await triggers.sendDue(db, t3);
		const unsub = await db
			.selectFrom('trigger_sends')
			.selectAll()
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(unsub).toMatchObject({ status: 'skipped', skip_reason: 'The customer unsubscribed.' });
		expect(await count(db, 'invitations')).toBe(1);
		expect(await count(db, 'outbox')).toBe(1);
	});

	it('a paused trigger plans nothing, and conditions and the persistent share select events', async () => {
		const db = ctx.db;
		const surveyId = await publishedSurvey(db);
		const id = await triggers.create(
			db,
			triggerInput(surveyId, {
				conditions: [{ attribute: 'channel', op: 'equals', value: 'phone' }]
			})
		);
		const t0 = new Date('2026-06-10T10:00:00Z');
		const r = await events.ingest(
			db,
			[
				event('a', t0, { attributes: { channel: 'phone' } }),
				event('b', t0, { attributes: { channel: 'mail' }, customer: { external_id: 'c-2' } })
			],
			{ now: t0 }
		);
		expect(r.planned).toBe(1);
		await triggers.setPaused(db, id, true, t0);
		const p = await events.ingest(db, [event('c', t0, { attributes: { channel: 'phone' } })], {
			now: t0
		});
		expect(p.planned).toBe(0);
		// the share uses the segment sampling hash: compare with SQL over 200 ids
		const seed = 'abc123';
		const { rows } = await sql<{ id: number; b: number }>`
			select g as id, ((('x' || substr(md5(${seed} || ':' || g::text), 1, 8))::bit(32)::int & 2147483647) % 100000) as b
			from generate_series(1, 200) g`.execute(db);
		for (const row of rows) expect(triggers.sampleBucket(seed, row.id)).toBe(Number(row.b));
	});

	it('the delay honours the customer time zone across DST changes', async () => {
		const db = ctx.db;
		const surveyId = await publishedSurvey(db);
		await triggers.create(
			db,
			triggerInput(surveyId, { delay_kind: 'local_time', delay_minutes: 0 })
		);
		// Berlin springs forward on 29 March 2026; New York falls back on 1 November 2026
		const berlin = (id: string, at: string, n: number) =>
			event(id, new Date(at), {
				customer: {
					external_id: `berlin-${n}`,
					email: `b${n}@example.com`,
					time_zone: 'Europe/Berlin'
				}
			});
		await events.ingest(
			db,
			[berlin('before', '2026-03-27T20:00:00Z', 1), berlin('across', '2026-03-28T20:00:00Z', 2)],
			{ now: new Date('2026-03-28T20:00:00Z') }
		);
		await events.ingest(
			db,
			[
				event('fall', new Date('2026-10-31T22:00:00Z'), {
					customer: { external_id: 'ny', email: 'ny@example.com', time_zone: 'America/New_York' }
				})
			],
			{ now: new Date('2026-10-31T22:00:00Z') }
		);
		const due = await db
			.selectFrom('trigger_sends')
			.innerJoin('events', 'events.id', 'trigger_sends.event_id')
			.select(['events.event_id', 'trigger_sends.due_at'])
			.execute();
		const byId = Object.fromEntries(due.map((d) => [d.event_id, d.due_at.toISOString()]));
		expect(byId).toEqual({
			before: '2026-03-28T08:00:00.000Z', // 09:00 CET
			across: '2026-03-29T07:00:00.000Z', // 09:00 CEST, the morning after the change
			fall: '2026-11-01T14:00:00.000Z' // 09:00 EST, after falling back
		});
		// and the worker sends at that instant, not an hour off
		await triggers.sendDue(db, new Date('2026-03-29T06:59:00Z'));
		const early = await db
			.selectFrom('trigger_sends')
			.select('status')
			.where('status', '=', 'sent')
			.execute();
		expect(early).toHaveLength(1);
		await triggers.sendDue(db, new Date('2026-03-29T07:00:00Z'));
		expect(await count(db, 'invitations')).toBe(2);
	});

	it('order events feed the orders table the segments use', async () => {
		const db = ctx.db;
		const t0 = new Date('2026-06-10T10:00:00Z');
		await events.ingest(
			db,
			[
				event('o1', t0, {
					type: 'order.completed',
					reference: 'A-1',
					attributes: { amount: 49.9, currency: 'eur' }
				}),
				event('o2', t0, { type: 'order.abandoned', reference: 'A-2' })
			],
			{ now: t0 }
		);
		const orders = await db
			.selectFrom('orders')
			.select(['reference', 'status', 'amount', 'currency'])
			.orderBy('reference')
			.execute();
		expect(orders).toEqual([
			{ reference: 'A-1', status: 'completed', amount: 49.9, currency: 'EUR' },
			{ reference: 'A-2', status: 'abandoned', amount: 0, currency: 'EUR' }
		]);
	});

	it('malformed events get a message per field and store nothing', async () => {
		const now = new Date('2026-06-10T10:00:00Z');
		const bad = events.parseBody(
			JSON.stringify({
				id: 'x',
				type: 'ticket.closed',
				occurred_at: '2026-06-12T10:00:00Z',
				customer: { email: 'nope' },
				attributes: { amount: 'ten' },
				extra: 1
			}),
			now
		);
		expect(bad.ok).toBe(false);
		if (bad.ok) return;
		expect(bad.errors).toMatchObject({
			extra: 'Unknown field.',
			occurred_at: expect.stringMatching(/future/),
			'customer.external_id': expect.stringMatching(/external id/i),
			'customer.email': expect.any(String)
		});
		const amount = events.parseBody(
			JSON.stringify({
				id: 'x',
				type: 'order.completed',
				occurred_at: '2026-06-10T09:00:00Z',
				customer: { external_id: 'c' },
				attributes: { amount: 'ten' }
			}),
			now
		);
		expect(amount.ok === false && amount.errors).toEqual({
			reference: 'Order events need the order reference.',
			'attributes.amount': 'The amount is a non-negative number such as 49.9.'
		});
		const wrongType = events.parseBody(
			JSON.stringify({
				events: [{ id: 5, type: 'x', occurred_at: 'yesterday', customer: { external_id: 'c' } }]
			}),
			now
		);
		expect(wrongType.ok === false && Object.keys(wrongType.errors)).toEqual([
			'events.0.id',
			'events.0.occurred_at'
		]);
		const huge = events.parseBody(JSON.stringify({ id: 'x', pad: 'a'.repeat(1_100_000) }), now);
		expect(huge.ok === false && huge.message).toMatch(/1 MB/);
		expect(await count(ctx.db, 'events')).toBe(0);
		expect(await count(ctx.db, 'customers' as 'events')).toBe(0);
	});

	it.runIf(testDbKind === 'pg')(
		'concurrent workers create a month’s rolling wave once and invite once',
		async () => {
			const db = ctx.db;
			const surveyId = await publishedSurvey(db);
			await triggers.create(db, triggerInput(surveyId, { delay_minutes: 0 }));
			const t0 = new Date('2026-06-10T10:00:00Z');
			await events.ingest(
				db,
				Array.from({ length: 30 }, (_, i) =>
					event(`e-${i}`, t0, { customer: { external_id: `c-${i}`, email: `c${i}@example.com` } })
				),
				{ now: t0 }
			);
			await Promise.all(Array.from({ length: 4 }, () => triggers.sendDue(db, t0, 5)));
			await Promise.all(Array.from({ length: 4 }, () => triggers.sendDue(db, t0, 10)));
			expect(await count(db, 'waves')).toBe(1);
			expect(await count(db, 'invitations')).toBe(30);
			expect(await count(db, 'outbox')).toBe(30);
		}
	);
});

describe(`webhooks and follow-up assignment on ${testDbKind}`, () => {
	let server: Server;
	let url = '';
	const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
	let failNext = 0;
	beforeAll(async () => {
		server = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push({ headers: req.headers, body });
				if (failNext > 0) {
					failNext--;
					res.writeHead(500).end('try later');
				} else res.writeHead(204).end();
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
	});
	afterAll(() => new Promise<void>((r) => server.close(() => r())));

	async function openFollowUp(db: Db): Promise<number> {
		const surveyId = await publishedSurvey(db);
		const version = await db
			.selectFrom('survey_versions')
			.select('id')
			.where('survey_id', '=', surveyId)
			.executeTakeFirstOrThrow();
		const c = await db
			.insertInto('customers')
			.values({ external_id: `c-${Math.random()}`, email: 'x@example.com' })
			.returning('id')
			.executeTakeFirstOrThrow();
		const r = await db
			.insertInto('responses')
			.values({
				survey_id: surveyId,
				version_id: version.id,
				customer_id: c.id,
				status: 'complete',
				completed_at: new Date()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const f = await db
			.insertInto('follow_ups')
			.values({ response_id: r.id, survey_id: surveyId, customer_id: c.id, reason: 'Answered no' })
			.returning('id')
			.executeTakeFirstOrThrow();
		return f.id;
	}

	it('signed deliveries verify, and retries back off and stop after success', async () => {
		const db = ctx.db;
		received.length = 0;
		failNext = 2;
		const hookId = await webhooks.create(
			db,
			{ url, description: 'CRM', events: ['follow_up.opened'] },
			{ strict: false }
		);
		const [hook] = await webhooks.list(db);
		expect(hook.id).toBe(hookId);
		const fid = await openFollowUp(db);
		const clock = new ManualClock(new Date('2026-06-10T10:00:00Z'));
		await db.transaction().execute((trx) => assignment.onFollowUpOpened(trx, fid, clock.now()));

		expect(await webhooks.deliverDue(db, clock, { strict: false })).toEqual({
			delivered: 0,
			failed: 1
		});
		expect(await webhooks.deliverDue(db, clock, { strict: false })).toEqual({
			delivered: 0,
			failed: 0
		});
		clock.advance(30_000);
		expect(await webhooks.deliverDue(db, clock, { strict: false })).toEqual({
			delivered: 0,
			failed: 1
		});
		clock.advance(60_000);
		expect(await webhooks.deliverDue(db, clock, { strict: false })).toEqual({
			delivered: 1,
			failed: 0
		});
		const deliveredAt = clock.now();
		clock.advance(24 * HOUR);
		expect(await webhooks.deliverDue(db, clock, { strict: false })).toEqual({
			delivered: 0,
			failed: 0
		});
		expect(received).toHaveLength(3);

		const last = received[2];
		const header = String(last.headers['soundings-signature']);
		expect(webhooks.verify(hook.secret, header, last.body, deliveredAt)).toBe(true);
		expect(
			webhooks.verify(hook.secret, header, last.body.replace('Answered', 'Answer'), deliveredAt)
		).toBe(false);
		// a replay a day later is refused by the timestamp
		expect(webhooks.verify(hook.secret, header, last.body, clock.now())).toBe(false);
		expect(webhooks.verify('whsec_other', header, last.body, deliveredAt)).toBe(false);
		const payload = JSON.parse(last.body);
		expect(payload).toMatchObject({
			type: 'follow_up.opened',
			data: { follow_up: { id: fid, reason: 'Answered no' } }
		});
		const [log] = (await webhooks.deliveries(db, { limit: 10, offset: 0 })).items;
		expect(log).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204 });
	});

	it('a completed response queues response.completed once and its follow-up follow_up.opened once', async () => {
		const db = ctx.db;
		await webhooks.create(
			db,
			{ url, description: '', events: ['response.completed', 'follow_up.opened'] },
			{ strict: false }
		);
		await webhooks.create(
			db,
			{ url, description: '', events: ['response.completed'] },
			{ strict: false }
		);
		const fid = await openFollowUp(db);
		const f = await db
			.selectFrom('follow_ups')
			.select(['id', 'response_id'])
			.where('id', '=', fid)
			.executeTakeFirstOrThrow();
		const now = new Date('2026-06-10T10:00:00Z');
		// queued and flushed twice (a repeated completion, a second flush): one event each
		for (let i = 0; i < 2; i++) {
			await db.transaction().execute((trx) => results.onResponseCompleted(trx, f.response_id));
			expect(await results.flushCompletions(db, { now })).toBe(1);
		}
		const rows = await db
			.selectFrom('webhook_deliveries')
			.select(['webhook_id', 'event'])
			.orderBy('id')
			.execute();
		expect(rows.map((r) => r.event).sort()).toEqual([
			'follow_up.opened',
			'response.completed',
			'response.completed'
		]);
	});

	it('refuses loopback and private URLs in production mode', async () => {
		await expect(
			webhooks.create(
				ctx.db,
				{ url: 'http://127.0.0.1:9/x', description: '', events: ['response.completed'] },
				{ strict: true }
			)
		).rejects.toThrow(/private/);
		await expect(
			webhooks.create(
				ctx.db,
				{ url: 'http://10.1.2.3/x', description: '', events: ['response.completed'] },
				{ strict: true }
			)
		).rejects.toThrow(webhooks.UnsafeUrlError);
		await expect(
			webhooks.create(
				ctx.db,
				{ url: 'http://[::1]/x', description: '', events: ['response.completed'] },
				{ strict: true }
			)
		).rejects.toThrow(webhooks.UnsafeUrlError);
		await expect(
			webhooks.create(
				ctx.db,
				{ url: 'ftp://example.com/x', description: '', events: ['response.completed'] },
				{ strict: false }
			)
		).rejects.toThrow(/http/);
		expect(webhooks.isPrivateAddress('::ffff:192.168.1.1')).toBe(true);
		expect(webhooks.isPrivateAddress('93.184.216.34')).toBe(false);
		// a URL saved earlier is re-checked when delivering
		received.length = 0;
		await webhooks.create(
			ctx.db,
			{ url, description: '', events: ['follow_up.opened'] },
			{ strict: false }
		);
		const fid = await openFollowUp(ctx.db);
		const clock = new ManualClock(new Date('2026-06-10T10:00:00Z'));
		await ctx.db.transaction().execute((trx) => assignment.onFollowUpOpened(trx, fid, clock.now()));
		await webhooks.deliverDue(ctx.db, clock, { strict: true });
		expect(received).toHaveLength(0);
		const [log] = (await webhooks.deliveries(ctx.db, { limit: 1, offset: 0 })).items;
		expect(log.lastError).toMatch(/private or loopback/);
	});

	it('assigns follow-ups round-robin or to a fixed owner and e-mails the owner', async () => {
		const db = ctx.db;
		const a = await users.create(db, {
			email: 'a@example.com',
			name: 'Ada',
			role: 'editor',
			password: 'long-enough-password'
		});
		const b = await users.create(db, {
			email: 'b@example.com',
			name: 'Bo',
			role: 'editor',
			password: 'long-enough-password'
		});
		await assignment.setRule(db, { mode: 'round_robin', user_ids: [a.id, b.id], notify: true });
		const now = new Date('2026-06-10T10:00:00Z');
		const owners = [];
		for (let i = 0; i < 4; i++) {
			const fid = await openFollowUp(db);
			owners.push(
				await db.transaction().execute((trx) => assignment.onFollowUpOpened(trx, fid, now))
			);
		}
		expect(owners).toEqual([a.id, b.id, a.id, b.id]);
		const mails = await db
			.selectFrom('outbox')
			.select(['to_address', 'kind', 'text_body'])
			.orderBy('id')
			.execute();
		expect(mails.map((m) => m.to_address)).toEqual([
			'a@example.com',
			'b@example.com',
			'a@example.com',
			'b@example.com'
		]);
		expect(mails[0].text_body).toContain('Answered no');

		await assignment.setRule(db, { mode: 'owner', owner_id: b.id, user_ids: [], notify: false });
		const fid = await openFollowUp(db);
		expect(
			await db.transaction().execute((trx) => assignment.onFollowUpOpened(trx, fid, now))
		).toBe(b.id);
		expect(await count(db, 'outbox')).toBe(4);
	});
});
