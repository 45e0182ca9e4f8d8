import { describe, expect, it } from 'vitest';
import * as responses from '$lib/server/responses';
import * as results from '$lib/server/results';
import * as assignment from '$lib/server/assignment';
import { ANSWER_CHANGED_NOTE } from '$lib/server/results/followups';
import type { Db } from '$lib/server/db';
import { testDbKind, useTestDb } from '../helpers/db';
import {
	Q,
	createCustomers,
	createOpenWave,
	createPublishedSurvey,
	sampleDefinition
} from '../helpers/fixtures';
import { IP, f, form, open } from '../helpers/respond';

const ctx = useTestDb();

describe(`the one-question survey's follow-up when the customer changes the answer, on ${testDbKind}`, () => {
	async function setup(db: Db) {
		const def = sampleDefinition();
		def.sections = def.sections.slice(0, 1);
		const survey = await createPublishedSurvey(db, def, { kind: 'transactional' });
		const [customer] = await createCustomers(db, 1);
		const { tokens } = await createOpenWave(db, { ...survey, customerIds: [customer] });
		const answer = async (v: 'yes' | 'no') =>
			responses.answerOne(
				db,
				await open(db, tokens[0]),
				form(
					0,
					v === 'no'
						? [
								[f(Q.satisfied), 'no'],
								[f(Q.whatWrong), 'Nobody called back.']
							]
						: [[f(Q.satisfied), 'yes']]
				),
				{ now: new Date(), ip: IP }
			);
		const followUps = () =>
			db
				.selectFrom('follow_ups')
				.select(['id', 'status', 'note', 'assignee_id', 'resolved_at', 'reason'])
				.execute();
		return { ...survey, answer, followUps };
	}

	it('resolves the follow-up of a "no" changed to "yes", and opens it again on a "no"', async () => {
		const s = await setup(ctx.db);
		// an automatic assignment is not the team acting on the follow-up
		const owner = await ctx.db
			.insertInto('users')
			.values({ email: 'owner@example.com', name: 'Olga', password_hash: 'x', role: 'editor' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await assignment.setRule(ctx.db, {
			mode: 'owner',
			owner_id: owner.id,
			user_ids: [],
			notify: false
		});

		expect(await s.answer('no')).toEqual({ kind: 'done' });
		// assigned by the completion queue's flush (nudged by the route a moment after the submit)
		expect((await s.followUps())[0].assignee_id).toBeNull();
		await results.flushCompletions(ctx.db);
		const [opened] = await s.followUps();
		expect(opened).toMatchObject({ status: 'open', note: '', assignee_id: owner.id });

		expect(await s.answer('yes')).toEqual({ kind: 'done' });
		const [closed] = await s.followUps();
		expect(closed).toMatchObject({ id: opened.id, status: 'resolved', note: ANSWER_CHANGED_NOTE });
		expect(closed.resolved_at).toBeInstanceOf(Date);
		// the queue shows nothing left to do
		expect(await results.followups.counts(ctx.db, s.surveyId)).toEqual({
			open: 0,
			contacted: 0,
			resolved: 1
		});
		// changing it again (or sending the same answer twice) changes nothing more
		expect(await s.answer('yes')).toEqual({ kind: 'done' });
		expect(await s.followUps()).toEqual([closed]);

		// back to "no": the same follow-up is open again, still one per response
		expect(await s.answer('no')).toEqual({ kind: 'done' });
		const again = await s.followUps();
		expect(again).toHaveLength(1);
		expect(again[0]).toMatchObject({ id: opened.id, status: 'open', note: '', resolved_at: null });
		expect(await s.answer('no')).toEqual({ kind: 'done' });
		expect(await s.followUps()).toEqual(again);
	});

	it('leaves a follow-up alone once the team has acted on it', async () => {
		const s = await setup(ctx.db);
		await s.answer('no');
		const [fu] = await s.followUps();
		await results.followups.update(ctx.db, s.surveyId, fu.id, {
			status: 'contacted',
			assigneeId: null,
			note: 'Called the customer, sending a voucher.'
		});
		expect(await s.answer('yes')).toEqual({ kind: 'done' });
		expect(await s.followUps()).toEqual([
			expect.objectContaining({
				id: fu.id,
				status: 'contacted',
				note: 'Called the customer, sending a voucher.'
			})
		]);
	});

	it('opens a follow-up once when a "yes" is changed to "no"', async () => {
		const s = await setup(ctx.db);
		expect(await s.answer('yes')).toEqual({ kind: 'done' });
		expect(await s.followUps()).toEqual([]);
		expect(await s.answer('no')).toEqual({ kind: 'done' });
		expect(await s.answer('no')).toEqual({ kind: 'done' });
		const rows = await s.followUps();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ status: 'open', note: '' });
		expect(rows[0].reason).toContain('Were you satisfied');
	});
});

describe(`the saved notice, on ${testDbKind}`, () => {
	it('says answers were saved only once answers were saved, not right after Start', async () => {
		const survey = await createPublishedSurvey(ctx.db);
		const customers = await createCustomers(ctx.db, 1);
		const { tokens } = await createOpenWave(ctx.db, { ...survey, customerIds: customers });
		const a = await open(ctx.db, tokens[0]);
		await responses.start(ctx.db, a.target, { now: new Date(), ip: IP });
		const started = await responses.view(ctx.db, await open(ctx.db, tokens[0]));
		expect(started).toMatchObject({ step: 'page', section: 0, answersSaved: false });
		await responses.post(
			ctx.db,
			await open(ctx.db, tokens[0]),
			form(0, [[f(Q.satisfied), 'yes']]),
			'next',
			{ now: new Date(), ip: IP }
		);
		const saved = await responses.view(ctx.db, await open(ctx.db, tokens[0]));
		expect(saved).toMatchObject({ step: 'page', section: 1, answersSaved: true });
		expect(saved.savedAt).not.toBeNull();
	});
});

describe(`concurrent first posts on one invitation, on ${testDbKind}`, () => {
	it('50 concurrent first posts of a one-page survey give one complete response, counted once', async () => {
		// the whole sample survey on one page: the first post both starts and completes the response
		const def = sampleDefinition();
		def.sections = [{ ...def.sections[0], questions: def.sections.flatMap((s) => s.questions) }];
		const survey = await createPublishedSurvey(ctx.db, def);
		const customers = await createCustomers(ctx.db, 1);
		const wave = await createOpenWave(ctx.db, { ...survey, customerIds: customers });
		const token = wave.tokens[0];
		const entries: [string, string][] = [
			[f(Q.satisfied), 'no'],
			[f(Q.whatWrong), 'The parcel was late.'],
			[f(Q.value), '4'],
			[f(Q.delivery, 'speed'), '2'],
			[f(Q.delivery, 'packaging'), '5'],
			[f(Q.nps), '6'],
			[f(Q.payment), 'card'],
			[f(Q.payment), '_other'],
			[f(Q.payment, 'other'), 'Klarna'],
			[f(Q.comment), 'Thanks']
		];
		// every request resolved its link before any response existed (as 50 tabs would)
		const accesses = await Promise.all(Array.from({ length: 50 }, () => open(ctx.db, token)));
		expect(accesses.every((a) => a.response === null)).toBe(true);
		const outcomes = await Promise.all(
			accesses.map((a) =>
				responses.post(ctx.db, a, form(0, entries), 'next', { now: new Date(), ip: IP })
			)
		);
		expect(outcomes).toEqual(Array.from({ length: 50 }, () => ({ kind: 'done' })));

		const rows = await ctx.db.selectFrom('responses').select(['id', 'status']).execute();
		expect(rows).toEqual([{ id: expect.any(Number), status: 'complete' }]);
		const answers = await ctx.db
			.selectFrom('answers')
			.select(['lineage', 'item'])
			.where('response_id', '=', rows[0].id)
			.execute();
		// one set: sat, what-wrong, value, 2 matrix items, nps, 2 payment picks, comment
		expect(answers).toHaveLength(9);
		expect(new Set(answers.map((a) => `${a.lineage}:${a.item}`)).size).toBe(9);
		expect(await ctx.db.selectFrom('answers').select('id').execute()).toHaveLength(9);
		const inv = await ctx.db
			.selectFrom('invitations')
			.select(['started_at', 'completed_at'])
			.executeTakeFirstOrThrow();
		expect(inv.started_at).toBeInstanceOf(Date);
		expect(inv.completed_at).toBeInstanceOf(Date);
		expect(await ctx.db.selectFrom('follow_ups').select('id').execute()).toHaveLength(1);
		// the rollups count the response once
		await results.flushCompletions(ctx.db);
		const rolled = await ctx.db
			.selectFrom('rollup_waves')
			.select('responses')
			.where('wave_id', '=', wave.waveId)
			.executeTakeFirstOrThrow();
		expect(rolled.responses).toBe(1);
		// and a late 51st post sees the thank-you page and changes nothing
		expect(
			await responses.post(ctx.db, accesses[0], form(0, entries), 'next', {
				now: new Date(),
				ip: IP
			})
		).toEqual({ kind: 'done' });
		expect(await ctx.db.selectFrom('answers').select('id').execute()).toHaveLength(9);
	});
});
