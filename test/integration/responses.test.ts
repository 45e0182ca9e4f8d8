import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import * as responses from '$lib/server/responses';
import * as resultsDomain from '$lib/server/results';
import * as assignment from '$lib/server/assignment';
import * as webhooks from '$lib/server/webhooks';
import type { Db } from '$lib/server/db';
import { testDbKind, useTestDb } from '../helpers/db';
import {
	Q,
	createCustomers,
	createOpenWave,
	createPublishedSurvey,
	sampleDefinition
} from '../helpers/fixtures';
import { IP, f, form, open, type Open } from '../helpers/respond';

const ctx = useTestDb();

async function setup(db: Db, opts: { closesAt?: Date | null; kind?: 'transactional' } = {}) {
	const survey = await createPublishedSurvey(db, sampleDefinition(), { kind: opts.kind });
	const customers = await createCustomers(db, 1);
	const wave = await createOpenWave(db, { ...survey, customerIds: customers, ...opts });
	return { ...survey, ...wave, token: wave.tokens[0], customerId: customers[0] };
}

const pages: [string, string][][] = [
	[
		[f(Q.satisfied), 'no'],
		[f(Q.whatWrong), 'The parcel was late.']
	],
	[
		[f(Q.value), '4'],
		[f(Q.delivery, 'speed'), '2'],
		[f(Q.delivery, 'packaging'), '5']
	],
	[
		[f(Q.nps), '6'],
		[f(Q.payment), 'card'],
		[f(Q.payment), '_other'],
		[f(Q.payment, 'other'), 'Klarna']
	]
];

async function post(db: Db, token: string, section: number, intent: responses.Intent = 'next') {
	return responses.post(db, await open(db, token), form(section, pages[section]), intent, {
		now: new Date(),
		ip: IP
	});
}

/** Everything a submit could change, to prove that refused posts change nothing. */
async function snapshot(db: Db) {
	return {
		responses: await db.selectFrom('responses').selectAll().orderBy('id').execute(),
		answers: await db.selectFrom('answers').selectAll().orderBy('id').execute(),
		invitations: await db
			.selectFrom('invitations')
			.select(['id', 'started_at', 'completed_at'])
			.orderBy('id')
			.execute(),
		followUps: await db.selectFrom('follow_ups').selectAll().execute()
	};
}

describe(`the respondent's survey on ${testDbKind}`, () => {
	it('saves page by page and resumes where the respondent stopped', async () => {
		const s = await setup(ctx.db);
		const first = await open(ctx.db, s.token);
		expect((await responses.view(ctx.db, first)).step).toBe('intro');
		expect(await post(ctx.db, s.token, 0)).toEqual({ kind: 'moved', appeared: false });
		const again = await open(ctx.db, s.token);
		const view = await responses.view(ctx.db, again);
		expect(view.step).toBe('page');
		expect(view.section).toBe(1);
		expect(view.answers).toEqual({ [Q.satisfied]: false, [Q.whatWrong]: 'The parcel was late.' });
		const inv = await ctx.db
			.selectFrom('invitations')
			.select(['opened_at', 'started_at', 'completed_at'])
			.executeTakeFirstOrThrow();
		expect(inv.opened_at).toBeInstanceOf(Date);
		expect(inv.started_at).toBeInstanceOf(Date);
		expect(inv.completed_at).toBeNull();
		// Back from page 2 saves it and returns to page 1
		expect(await post(ctx.db, s.token, 1, 'back')).toEqual({ kind: 'moved', appeared: false });
		expect((await responses.view(ctx.db, await open(ctx.db, s.token))).section).toBe(0);
	});

	it('drops answers to questions hidden by logic, also when an earlier answer changes', async () => {
		const s = await setup(ctx.db);
		await post(ctx.db, s.token, 0);
		const lineages = async () =>
			(await ctx.db.selectFrom('answers').select('lineage').execute()).map((r) => r.lineage);
		expect(await lineages()).toContain(Q.whatWrong);
		const a = await open(ctx.db, s.token);
		await responses.post(
			ctx.db,
			a,
			form(0, [
				[f(Q.satisfied), 'yes'],
				[f(Q.whatWrong), 'hidden now']
			]),
			'next',
			{ now: new Date(), ip: IP }
		);
		expect(await lineages()).toEqual([Q.satisfied]);
	});

	it('keeps the respondent on the page when a question appears (logic on the server)', async () => {
		const s = await setup(ctx.db);
		const a = await open(ctx.db, s.token);
		const fd = form(0, [[f(Q.satisfied), 'no']]);
		fd.set('shown', Q.satisfied);
		expect(await responses.post(ctx.db, a, fd, 'next', { now: new Date(), ip: IP })).toEqual({
			kind: 'moved',
			appeared: true
		});
		expect((await responses.view(ctx.db, await open(ctx.db, s.token))).section).toBe(0);
	});

	it('completes with scores, marks the invitation, and opens the follow-up once', async () => {
		const s = await setup(ctx.db);
		for (const i of [0, 1]) await post(ctx.db, s.token, i);
		expect(await post(ctx.db, s.token, 2)).toEqual({ kind: 'done' });
		const r = await ctx.db.selectFrom('responses').selectAll().executeTakeFirstOrThrow();
		expect(r.status).toBe('complete');
		expect(r.completed_at).toBeInstanceOf(Date);
		const rows = await ctx.db
			.selectFrom('answers')
			.select(['lineage', 'item', 'value', 'score', 'text'])
			.orderBy('id')
			.execute();
		expect(rows).toContainEqual({
			lineage: Q.satisfied,
			item: '',
			value: 0,
			score: 0,
			text: null
		});
		expect(rows).toContainEqual({ lineage: Q.value, item: '', value: 4, score: 75, text: null });
		expect(rows).toContainEqual({
			lineage: Q.delivery,
			item: 'speed',
			value: 2,
			score: 25,
			text: null
		});
		expect(rows).toContainEqual({ lineage: Q.nps, item: '', value: 6, score: 60, text: null });
		expect(rows).toContainEqual({
			lineage: Q.payment,
			item: '_other',
			value: 1,
			score: null,
			text: 'Klarna'
		});
		const inv = await ctx.db
			.selectFrom('invitations')
			.select('completed_at')
			.executeTakeFirstOrThrow();
		expect(inv.completed_at).toBeInstanceOf(Date);
		const before = await snapshot(ctx.db);
		// a second submit (double click, or after Back) is a friendly no-op
		expect(await post(ctx.db, s.token, 2)).toEqual({ kind: 'done' });
		expect(await post(ctx.db, s.token, 0)).toEqual({ kind: 'done' });
		expect(await snapshot(ctx.db)).toEqual(before);
		const view = await responses.view(ctx.db, await open(ctx.db, s.token));
		expect(view.step).toBe('done');
		// the submit judged the follow-up rule from what it had in hand; reading it all back from
		// the database gives the same follow-up, word for word
		const opened = await ctx.db
			.selectFrom('follow_ups')
			.select(['response_id', 'customer_id', 'wave_id', 'reason'])
			.execute();
		expect(opened).toHaveLength(1);
		expect(opened[0].reason).toMatch(/Answered no|Low score|Detractor/);
		await ctx.db.deleteFrom('follow_ups').execute();
		await ctx.db
			.transaction()
			.execute((trx) => resultsDomain.followups.openIfRuleHolds(trx, opened[0].response_id));
		expect(
			await ctx.db
				.selectFrom('follow_ups')
				.select(['response_id', 'customer_id', 'wave_id', 'reason'])
				.execute()
		).toEqual(opened);
	});

	it('will not complete while a required answer is missing on an earlier page', async () => {
		const s = await setup(ctx.db);
		const a = await open(ctx.db, s.token);
		await responses.start(ctx.db, a.target, { now: new Date(), ip: IP });
		const r = await post(ctx.db, s.token, 2);
		expect(r).toEqual({
			kind: 'invalid',
			section: 0,
			errors: { [Q.satisfied]: 'Please answer this question.' }
		});
		const resp = await ctx.db.selectFrom('responses').selectAll().executeTakeFirstOrThrow();
		expect(resp.status).toBe('partial');
	});

	it('refuses tampered and invalid posts and changes nothing', async () => {
		const s = await setup(ctx.db);
		await post(ctx.db, s.token, 0);
		const before = await snapshot(ctx.db);
		const a = await open(ctx.db, s.token);
		const now = { now: new Date(), ip: IP };
		await expect(
			responses.post(ctx.db, a, form(1, [[f(Q.nps), '3']]), 'next', now)
		).rejects.toBeInstanceOf(responses.TamperedFormError);
		await expect(responses.post(ctx.db, a, form(99, []), 'next', now)).rejects.toBeInstanceOf(
			responses.TamperedFormError
		);
		await expect(
			responses.post(ctx.db, a, form(1, [[f(Q.value), 'x'.repeat(30_000)]]), 'next', now)
		).rejects.toBeInstanceOf(responses.TamperedFormError);
		expect(await responses.post(ctx.db, a, form(1, [[f(Q.value), '9']]), 'next', now)).toEqual({
			kind: 'invalid',
			section: 1,
			errors: { [Q.value]: 'Choose one of the 5 points of the scale.' }
		});
		expect(await snapshot(ctx.db)).toEqual(before);
	});

	it('shows a closed wave as closed and stores nothing', async () => {
		const s = await setup(ctx.db, { closesAt: new Date(Date.now() - 1000) });
		const a = await responses.byToken(ctx.db, s.token, {
			ip: IP,
			now: new Date(),
			markOpened: true
		});
		expect(a).toEqual({ kind: 'closed', title: 'Sample quarterly survey', language: 'en' });
		expect(await ctx.db.selectFrom('responses').select('id').execute()).toEqual([]);
		const inv = await ctx.db
			.selectFrom('invitations')
			.select('opened_at')
			.executeTakeFirstOrThrow();
		expect(inv.opened_at).toBeNull();
	});

	it('answers unknown tokens and erased customers alike, and rate-limits probing', async () => {
		const s = await setup(ctx.db);
		await ctx.db
			.updateTable('customers')
			.set({ erased_at: new Date() })
			.where('id', '=', s.customerId)
			.execute();
		const now = new Date();
		expect(await responses.byToken(ctx.db, s.token, { ip: IP, now })).toEqual({ kind: 'invalid' });
		expect(await responses.byToken(ctx.db, 'A'.repeat(43), { ip: IP, now })).toEqual({
			kind: 'invalid'
		});
		for (let i = 0; i < responses.PROBE_LIMIT.max; i++)
			await responses.byToken(ctx.db, `guess${i}`.padEnd(30, 'x'), { ip: IP, now });
		const limited = await responses.byToken(ctx.db, 'B'.repeat(43), { ip: IP, now });
		expect(limited.kind).toBe('limited');
		// another address is not affected
		expect(
			(await responses.byToken(ctx.db, 'B'.repeat(43), { ip: '198.51.100.1', now })).kind
		).toBe('invalid');
		expect(await ctx.db.selectFrom('responses').select('id').execute()).toEqual([]);
	});

	it('records the one-question answer on POST and lets the respondent change it', async () => {
		const def = sampleDefinition();
		def.sections = def.sections.slice(0, 1);
		const survey = await createPublishedSurvey(ctx.db, def, { kind: 'transactional' });
		const [customer] = await createCustomers(ctx.db, 1);
		const { tokens } = await createOpenWave(ctx.db, { ...survey, customerIds: [customer] });
		const now = { now: new Date(), ip: IP };
		// opening the link with ?v=no pre-selects the answer and records nothing
		const shown = await responses.answerView(ctx.db, await open(ctx.db, tokens[0]), 'no');
		expect(shown.view.answers).toEqual({ [Q.satisfied]: false });
		expect(shown.recorded).toBe(false);
		expect(await ctx.db.selectFrom('responses').select('id').execute()).toEqual([]);
		const no = form(0, [
			[f(Q.satisfied), 'no'],
			[f(Q.whatWrong), 'Nobody called back.']
		]);
		expect(await responses.answerOne(ctx.db, await open(ctx.db, tokens[0]), no, now)).toEqual({
			kind: 'done'
		});
		// "not satisfied" opens a follow-up for the team (the results domain's rule)
		expect(await ctx.db.selectFrom('follow_ups').select('id').execute()).toHaveLength(1);
		const yes = form(0, [[f(Q.satisfied), 'yes']]);
		expect(await responses.answerOne(ctx.db, await open(ctx.db, tokens[0]), yes, now)).toEqual({
			kind: 'done'
		});
		const rows = await ctx.db.selectFrom('answers').select(['lineage', 'value']).execute();
		expect(rows).toEqual([{ lineage: Q.satisfied, value: 1 }]);
		const complete = await ctx.db.selectFrom('responses').select('status').execute();
		expect(complete).toEqual([{ status: 'complete' }]);
	});

	it('gives a public link one anonymous response per browser', async () => {
		const survey = await createPublishedSurvey(ctx.db);
		await ctx.db
			.updateTable('surveys')
			.set({ public_enabled: true })
			.where('id', '=', survey.surveyId)
			.execute();
		const opts = { ip: IP, now: new Date(), locale: 'de-CH' };
		const a = await responses.byPublicLink(ctx.db, survey.surveyId, 'k'.repeat(43), opts);
		expect(a.kind).toBe('open');
		const target = (a as Open).target;
		const id1 = await responses.start(ctx.db, target, opts);
		const id2 = await responses.start(ctx.db, target, opts);
		expect(id2).toBe(id1);
		const row = await ctx.db
			.selectFrom('responses')
			.select(['anonymous', 'invitation_id', 'customer_id'])
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ anonymous: true, invitation_id: null, customer_id: null });
		await ctx.db
			.updateTable('surveys')
			.set({ public_enabled: false })
			.where('id', '=', survey.surveyId)
			.execute();
		expect((await responses.byPublicLink(ctx.db, survey.surveyId, null, opts)).kind).toBe(
			'invalid'
		);
	});

	it(
		testDbKind === 'pg'
			? '50 concurrent final submits on one token give exactly one complete response'
			: 'a double submit gives exactly one complete response (concurrency runs on PostgreSQL)',
		async () => {
			const s = await setup(ctx.db);
			for (const i of [0, 1]) await post(ctx.db, s.token, i);
			const n = testDbKind === 'pg' ? 50 : 2;
			const results =
				testDbKind === 'pg'
					? await Promise.all(Array.from({ length: n }, () => post(ctx.db, s.token, 2)))
					: [await post(ctx.db, s.token, 2), await post(ctx.db, s.token, 2)];
			expect(results).toEqual(Array.from({ length: n }, () => ({ kind: 'done' })));
			const rows = await ctx.db.selectFrom('responses').select(['status']).execute();
			expect(rows).toEqual([{ status: 'complete' }]);
			expect(await resultsDomain.flushCompletions(ctx.db)).toBe(1);
			const rolled = await ctx.db
				.selectFrom('rollup_waves')
				.select('responses')
				.where('wave_id', '=', s.waveId)
				.executeTakeFirstOrThrow();
			expect(rolled.responses).toBe(1);
		}
	);

	it('opens the follow-up with the completing submit; the completion queue assigns it and queues the webhooks', async () => {
		const db = ctx.db;
		const owner = await db
			.insertInto('users')
			.values({ email: 'owner@example.com', name: 'Olga', password_hash: 'x', role: 'editor' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await assignment.setRule(db, { mode: 'owner', owner_id: owner.id, user_ids: [], notify: true });
		await webhooks.create(
			db,
			{
				url: 'https://crm.example.com/hook',
				description: '',
				events: ['response.completed', 'follow_up.opened']
			},
			{ strict: false }
		);
		const def = sampleDefinition();
		def.sections = def.sections.slice(0, 1);
		const survey = await createPublishedSurvey(db, def);
		await db
			.updateTable('surveys')
			.set({ public_enabled: true })
			.where('id', '=', survey.surveyId)
			.execute();
		const [customer] = await createCustomers(db, 1);
		const { tokens, waveId } = await createOpenWave(db, { ...survey, customerIds: [customer] });
		const opts = { now: new Date(), ip: IP };
		// an invitation's one-page survey: the first post completes it (one statement)
		expect(
			await responses.post(db, await open(db, tokens[0]), form(0, pages[0]), 'next', opts)
		).toEqual({ kind: 'done' });
		// and an anonymous browser on the public link (no wave: webhooks and follow-up only)
		const pub = (await responses.byPublicLink(db, survey.surveyId, 'b'.repeat(43), {
			...opts,
			locale: 'en'
		})) as Open;
		expect(await responses.post(db, pub, form(0, pages[0]), 'next', opts)).toEqual({
			kind: 'done'
		});

		const followUps = () =>
			db
				.selectFrom('follow_ups')
				.select(['wave_id', 'customer_id', 'reason', 'assignee_id'])
				.orderBy('id')
				.execute();
		// opened with the submit, assigned a moment later by the queue
		expect(await followUps()).toEqual([
			{
				wave_id: waveId,
				customer_id: customer,
				reason: expect.stringMatching(/^Answered no/),
				assignee_id: null
			},
			{
				wave_id: null,
				customer_id: null,
				reason: expect.stringMatching(/^Answered no/),
				assignee_id: null
			}
		]);
		const queued = await db
			.selectFrom('completion_queue')
			.select('wave_id')
			.orderBy('response_id')
			.execute();
		expect(queued).toEqual([{ wave_id: waveId }, { wave_id: null }]);
		expect(await db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);

		expect(await resultsDomain.flushCompletions(db)).toBe(2);
		expect((await followUps()).map((f) => f.assignee_id)).toEqual([owner.id, owner.id]);
		const events = await db
			.selectFrom('webhook_deliveries')
			.select('event')
			.orderBy('id')
			.execute();
		expect(events.map((e) => e.event)).toEqual([
			'response.completed',
			'response.completed',
			'follow_up.opened',
			'follow_up.opened'
		]);
		const mails = await db
			.selectFrom('outbox')
			.select('subject')
			.where('kind', '=', 'follow_up')
			.execute();
		expect(mails).toHaveLength(2);
		// counted in the wave's rollups once; nothing left to do
		const rolled = await db
			.selectFrom('rollup_waves')
			.select('responses')
			.where('wave_id', '=', waveId)
			.executeTakeFirstOrThrow();
		expect(rolled.responses).toBe(1);
		expect(await resultsDomain.flushCompletions(db)).toBe(0);
	});

	it('puts back a response whose side effects fail, with its error, and holds up no other', async () => {
		const db = ctx.db;
		await webhooks.create(
			db,
			{ url: 'https://crm.example.com/hook', description: '', events: ['response.completed'] },
			{ strict: false }
		);
		const def = sampleDefinition();
		def.sections = def.sections.slice(0, 1);
		const survey = await createPublishedSurvey(db, def);
		const customers = await createCustomers(db, 3);
		const { tokens, waveId } = await createOpenWave(db, { ...survey, customerIds: customers });
		const now = new Date();
		const ids: number[] = [];
		for (const token of tokens) {
			const a = await open(db, token);
			await responses.post(db, a, form(0, pages[0]), 'next', { now, ip: IP });
			ids.push((await open(db, token)).response!.id);
		}
		// the second response's webhook cannot be queued (as if its payload could not be built)
		await sql`create function refuse_delivery() returns trigger language plpgsql as $$
			begin
				if new.idempotency_key like ${sql.lit(`response.completed:${ids[1]}:%`)} then
					raise exception 'CRM payload refused';
				end if;
				return new;
			end $$`.execute(db);
		await sql`create trigger refuse_delivery before insert on webhook_deliveries
			for each row execute function refuse_delivery()`.execute(db);
		const delivered = async () =>
			(await db.selectFrom('webhook_deliveries').select('idempotency_key').execute())
				.map((d) => Number(d.idempotency_key.split(':')[1]))
				.sort((a, b) => a - b);

		expect(await resultsDomain.flushCompletions(db, { now })).toBe(3);
		expect(await delivered()).toEqual([ids[0], ids[2]]);
		const [back] = await db
			.selectFrom('completion_queue')
			.select(['response_id', 'attempts', 'last_error', 'next_attempt_at'])
			.execute();
		expect(back).toMatchObject({ response_id: ids[1], attempts: 1 });
		expect(back.last_error).toContain('CRM payload refused');
		expect(back.next_attempt_at.getTime()).toBeGreaterThan(now.getTime());
		// its answers count in the rollups all the same, once
		const rolled = () =>
			db
				.selectFrom('rollup_waves')
				.select('responses')
				.where('wave_id', '=', waveId)
				.executeTakeFirstOrThrow();
		expect((await rolled()).responses).toBe(3);
		// not due yet; once the cause is fixed, the next try after its delay sends it
		expect(await resultsDomain.flushCompletions(db, { now })).toBe(0);
		await sql`drop trigger refuse_delivery on webhook_deliveries`.execute(db);
		await sql`drop function refuse_delivery()`.execute(db);
		expect(
			await resultsDomain.flushCompletions(db, { now: new Date(now.getTime() + 3_600_000) })
		).toBe(1);
		expect(await delivered()).toEqual(ids);
		expect(await db.selectFrom('completion_queue').select('response_id').execute()).toEqual([]);
		expect((await rolled()).responses).toBe(3);
	});
});
