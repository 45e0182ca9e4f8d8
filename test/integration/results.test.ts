import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDb } from '../helpers/db';
import { createCustomers, createOpenWave, createPublishedSurvey, Q } from '../helpers/fixtures';
import { submit } from '../helpers/results';
import * as results from '$lib/server/results';
import * as customers from '$lib/server/customers';
import { json } from '$lib/server/db/json';
import { runOnce } from '$lib/server/jobs';
import type { Db } from '$lib/server/db';
import type { Answers } from '$lib/survey/answers';

const ctx = useTestDb();

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

function randomAnswers(rand: () => number): Answers {
	const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
	const satisfied = rand() < 0.7;
	const a: Answers = {
		[Q.satisfied]: satisfied,
		[Q.value]: int(1, 5),
		[Q.delivery]: { speed: int(1, 5), packaging: int(1, 5) },
		[Q.nps]: int(0, 10)
	};
	if (!satisfied) a[Q.whatWrong] = rand() < 0.5 ? 'Parcel arrived late' : 'Wrong size';
	const picks = ['card', 'invoice', 'paypal'].filter(() => rand() < 0.5);
	if (picks.length) a[Q.payment] = picks;
	if (rand() < 0.3) a[Q.comment] = `comment ${int(1, 1000)}`;
	return a;
}

/** All rollup rows of the database, sorted, for comparison. */
async function snapshot(db: Db) {
	const values =
		await sql`select wave_id, question_id, item, value::text as value, n, texts, score_n,
		score_sum::text as score_sum, score_sumsq::text as score_sumsq, top2 from rollup_values
		order by wave_id, question_id, item, value`.execute(db);
	const topics =
		await sql`select wave_id, topic_id, n, score_sum::text as s, score_sumsq::text as ss, top2
		from rollup_topics order by wave_id, topic_id`.execute(db);
	const questions = await sql`select wave_id, question_id, answered from rollup_questions
		order by wave_id, question_id`.execute(db);
	const waves = await sql`select wave_id, responses from rollup_waves order by wave_id`.execute(db);
	return { values: values.rows, topics: topics.rows, questions: questions.rows, waves: waves.rows };
}

/** The same figures straight from answers with plain GROUP BYs (independent of the rollup code). */
async function fromScratch(db: Db) {
	const values = await sql<{
		n: number;
	}>`select r.wave_id, a.question_id, a.item, a.value::text as value,
		count(*)::int as n, coalesce(sum(a.score), 0)::text as score_sum
		from answers a join responses r on r.id = a.response_id where r.status = 'complete'
		group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(db);
	const topics = await sql`select wave_id, topic_id, count(*)::int as n, round(sum(m), 6)::text as s
		from (select r.wave_id, q.topic_id, a.response_id, avg(a.score) m from answers a
			join responses r on r.id = a.response_id join questions q on q.id = a.question_id
			where r.status = 'complete' and a.score is not null and q.topic_id is not null group by 1, 2, 3) x
		group by 1, 2 order by 1, 2`.execute(db);
	return { values: values.rows, topics: topics.rows };
}

async function rollupsAsScratch(db: Db) {
	const values = await sql`select wave_id, question_id, item, value::text as value, n,
		score_sum::text as score_sum from rollup_values order by 1, 2, 3, 4`.execute(db);
	const topics =
		await sql`select wave_id, topic_id, n, round(score_sum, 6)::text as s from rollup_topics
		order by 1, 2`.execute(db);
	return { values: values.rows, topics: topics.rows };
}

async function setup(db: Db, customers = 40) {
	const survey = await createPublishedSurvey(db);
	const ids = await createCustomers(db, customers);
	const w1 = await createOpenWave(db, {
		surveyId: survey.surveyId,
		versionId: survey.versionId,
		customerIds: ids
	});
	const w2 = await createOpenWave(db, {
		surveyId: survey.surveyId,
		versionId: survey.versionId,
		customerIds: ids
	});
	return { ...survey, customerIds: ids, waves: [w1.waveId, w2.waveId] };
}

describe('rollups', () => {
	it('equal a from-scratch recomputation after random submits, edits and erasures', async () => {
		const db = ctx.db;
		const s = await setup(db, 30);
		const rand = rng(42);
		const responseIds: number[] = [];
		for (const [i, c] of s.customerIds.entries()) {
			for (const wave of s.waves) {
				if (rand() < 0.2) continue;
				responseIds.push(
					await submit(db, {
						version: s.version,
						waveId: wave,
						customerId: c,
						answers: randomAnswers(rand)
					})
				);
			}
			if (i % 7 === 0) {
				// an anonymous public-link style response without a customer
				await submit(db, {
					version: s.version,
					waveId: s.waves[1],
					customerId: null,
					anonymous: true,
					answers: randomAnswers(rand)
				});
			}
		}
		expect(await rollupsAsScratch(db)).toEqual(await fromScratch(db));
		const incremental = await snapshot(db);
		for (const w of s.waves) await results.rebuild(db, w);
		expect(await snapshot(db)).toEqual(incremental);
		await results.rebuildSurvey(db, s.surveyId);
		expect(await snapshot(db)).toEqual(incremental);

		// edit: change some answers' values and scores, then rebuild the affected wave
		await sql`update answers set value = 1, score = 0 where lineage = ${Q.value}::uuid and response_id in (
			select id from responses where wave_id = ${s.waves[0]} and id % 3 = 0)`.execute(db);
		await results.rebuild(db, s.waves[0]);
		expect(await rollupsAsScratch(db)).toEqual(await fromScratch(db));

		// erasure: the customer's free text goes, numeric answers stay; rebuild their waves
		const erased = (
			await db
				.selectFrom('responses')
				.select('customer_id')
				.where('customer_id', 'is not', null)
				.executeTakeFirstOrThrow()
		).customer_id!;
		// the customers domain's erase deletes their free text and rebuilds the rollups
		await customers.erase(db, erased, null);
		expect(await rollupsAsScratch(db)).toEqual(await fromScratch(db));
		const rebuilt = await results.rebuildForCustomer(db, erased);
		expect(rebuilt).toBeGreaterThan(0);
		expect(await rollupsAsScratch(db)).toEqual(await fromScratch(db));
		const texts = await sql<{
			n: number;
		}>`select coalesce(sum(texts), 0)::int as n from rollup_values`.execute(db);
		const real = await sql<{
			n: number;
		}>`select count(*)::int as n from answers a join responses r on r.id = a.response_id
			where r.status = 'complete' and a.text <> ''`.execute(db);
		expect(texts.rows[0].n).toBe(real.rows[0].n);
	});

	it('counts a response once even when the hook runs twice', async () => {
		const db = ctx.db;
		const s = await setup(db, 2);
		const id = await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[0],
			answers: randomAnswers(rng(1))
		});
		await db.transaction().execute((trx) => results.onResponseCompleted(trx, id));
		expect(await results.flushCompletions(db)).toBe(0);
		const w = await db.selectFrom('rollup_waves').selectAll().executeTakeFirstOrThrow();
		expect(w.responses).toBe(1);
		const fu = await db.selectFrom('follow_ups').select('id').execute();
		expect(fu.length).toBeLessThanOrEqual(1);
	});
});

describe('rollup queue', () => {
	it('folds queued responses in exactly once with concurrent flushes and a rebuild in between', async () => {
		const db = ctx.db;
		const s = await setup(db, 60);
		const rand = rng(7);
		for (const [i, c] of s.customerIds.entries())
			await submit(db, {
				version: s.version,
				waveId: s.waves[i % 2],
				customerId: c,
				answers: randomAnswers(rand),
				flush: false
			});
		// nothing is counted until the queue is flushed: the submit path locks no rollup row
		expect((await snapshot(db)).waves).toEqual([]);
		const queued = await db.selectFrom('completion_queue').select('response_id').execute();
		expect(queued).toHaveLength(60);
		// a rebuild of one wave counts its queued responses itself; the flush must not add them again
		await results.rebuild(db, s.waves[0]);
		const flushed = await Promise.all([
			results.flushCompletions(db),
			results.flushCompletions(db),
			results.flushCompletions(db)
		]);
		expect(flushed.reduce((a, b) => a + b, 0)).toBe(60);
		expect(await db.selectFrom('completion_queue').select('response_id').execute()).toEqual([]);
		expect(await rollupsAsScratch(db)).toEqual(await fromScratch(db));
		expect((await snapshot(db)).waves).toEqual([
			{ wave_id: s.waves[0], responses: 30 },
			{ wave_id: s.waves[1], responses: 30 }
		]);
		// and the dashboard's response count follows
		const counted = await sql<{
			n: number;
		}>`select coalesce(sum(responses), 0)::int as n from rollup_waves`.execute(db);
		expect(counted.rows[0].n).toBe(60);
	});

	it('is flushed by a worker pass, so results appear without any request', async () => {
		const db = ctx.db;
		const s = await setup(db, 3);
		for (const c of s.customerIds)
			await submit(db, {
				version: s.version,
				waveId: s.waves[0],
				customerId: c,
				answers: randomAnswers(rng(c)),
				flush: false
			});
		await runOnce(db, { only: ['completions'] });
		expect((await snapshot(db)).waves).toEqual([{ wave_id: s.waves[0], responses: 3 }]);
	});
});

describe('follow-ups', () => {
	const good: Answers = {
		[Q.satisfied]: true,
		[Q.value]: 4,
		[Q.delivery]: { speed: 4, packaging: 5 },
		[Q.nps]: 9
	};

	it('the default rule opens one for a detractor and not for a happy customer', async () => {
		const db = ctx.db;
		const s = await setup(db, 2);
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[0],
			answers: good
		});
		const unhappy = await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[1],
			answers: { ...good, [Q.nps]: 3 }
		});
		const rows = await db.selectFrom('follow_ups').selectAll().execute();
		expect(rows).toHaveLength(1);
		expect(rows[0].response_id).toBe(unhappy);
		expect(rows[0].status).toBe('open');
		expect(rows[0].customer_id).toBe(s.customerIds[1]);
		expect(rows[0].reason).toContain('NPS 3');
	});

	it('the default rule also catches a scored "no" and a Likert score of 25 or less', async () => {
		const db = ctx.db;
		const s = await setup(db, 2);
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[0],
			answers: { ...good, [Q.satisfied]: false }
		});
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[1],
			answers: { ...good, [Q.value]: 2 }
		});
		const rows = await db.selectFrom('follow_ups').select('reason').orderBy('id').execute();
		expect(rows.map((r) => r.reason)).toEqual([
			expect.stringContaining('Answered no'),
			expect.stringContaining('Low score (25/100)')
		]);
	});

	it("the survey's own rule replaces the default", async () => {
		const db = ctx.db;
		const s = await setup(db, 3);
		await db
			.updateTable('surveys')
			.set({
				follow_up_rule: json({
					mode: 'all',
					conditions: [{ question: Q.value, op: 'lte', value: 1 }]
				})
			})
			.where('id', '=', s.surveyId)
			.execute();
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[0],
			answers: { ...good, [Q.nps]: 0 }
		});
		const hit = await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[1],
			answers: { ...good, [Q.value]: 1 }
		});
		const rows = await db.selectFrom('follow_ups').selectAll().execute();
		expect(rows.map((r) => r.response_id)).toEqual([hit]);
		expect(rows[0].reason).toContain('Our prices are fair');
	});

	it('the queue lists, updates and counts follow-ups', async () => {
		const db = ctx.db;
		const s = await setup(db, 2);
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[0],
			answers: { ...good, [Q.nps]: 2 }
		});
		const { items, total } = await results.followups.list(db, s.surveyId, { limit: 10, offset: 0 });
		expect(total).toBe(1);
		expect(items[0].customer?.email).toBe('c1@example.com');
		const admin = await db
			.insertInto('users')
			.values({ email: 'a@x.test', password_hash: 'x', role: 'admin', name: 'Ann' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await results.followups.update(db, s.surveyId, items[0].id, {
			status: 'resolved',
			assigneeId: admin.id,
			note: 'Called back'
		});
		expect(await results.followups.counts(db, s.surveyId)).toEqual({
			open: 0,
			contacted: 0,
			resolved: 1
		});
		const after = await results.followups.list(db, s.surveyId, { limit: 10, offset: 0 });
		expect(after.items[0]).toMatchObject({
			status: 'resolved',
			assigneeName: 'Ann',
			note: 'Called back'
		});
		await expect(
			results.followups.update(db, s.surveyId + 1, items[0].id, {
				status: 'open',
				assigneeId: null,
				note: ''
			})
		).rejects.toThrow(results.followups.FollowUpNotFoundError);
	});
});

describe('dashboard', () => {
	it('topic scores, changes, headline figures and NPS come from rollups, and filters narrow them', async () => {
		const db = ctx.db;
		const s = await setup(db, 4);
		await db
			.updateTable('customers')
			.set({ attributes: json({ country: 'DE' }) })
			.where('id', 'in', s.customerIds.slice(0, 2))
			.execute();
		const answers = (value: number, nps: number): Answers => ({
			[Q.satisfied]: true,
			[Q.value]: value,
			[Q.delivery]: { speed: 5, packaging: 5 },
			[Q.nps]: nps
		});
		// wave 1: value 3 and 5 → scores 50, 100; wave 2: 1, 2, 4 → 0, 25, 75
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[0],
			answers: answers(3, 10)
		});
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[2],
			answers: answers(5, 6)
		});
		await submit(db, {
			version: s.version,
			waveId: s.waves[1],
			customerId: s.customerIds[0],
			answers: answers(1, 9)
		});
		await submit(db, {
			version: s.version,
			waveId: s.waves[1],
			customerId: s.customerIds[1],
			answers: answers(2, 7)
		});
		await submit(db, {
			version: s.version,
			waveId: s.waves[1],
			customerId: s.customerIds[2],
			answers: answers(4, 0)
		});
		const d = await results.dashboard(db, s.surveyId, {});
		const value = d.topics.find((t) => t.key === 'value-for-money')!;
		expect(value.points.map((p) => p.mean)).toEqual([75, 100 / 3]);
		expect(value.points.map((p) => p.n)).toEqual([2, 3]);
		expect(value.change.delta).toBeCloseTo(100 / 3 - 75, 10);
		expect(value.change.enough).toBe(false);
		expect(d.waves.map((w) => [w.invited, w.responded, w.responseRate])).toEqual([
			[4, 2, 50],
			[4, 3, 75]
		]);
		// wave 1: one promoter, one detractor → 0; wave 2: 9 promoter, 7 passive, 0 detractor → 0
		expect(d.waves.map((w) => w.nps)).toEqual([0, 0]);
		expect(d.hasNps).toBe(true);

		const de = await results.dashboard(db, s.surveyId, { attr: 'country:DE' });
		const deValue = de.topics.find((t) => t.key === 'value-for-money')!;
		expect(deValue.points.map((p) => p.mean)).toEqual([50, 12.5]);
		expect(de.waves.map((w) => [w.invited, w.responded])).toEqual([
			[2, 1],
			[2, 2]
		]);
		// unfiltered from answers equals rollups
		const detail = await results.topicDetail(db, s.surveyId, value.id, {});
		expect(detail.questions[0].points.map((p) => p.mean)).toEqual([75, 100 / 3]);
		const q = await results.questionDetail(db, s.surveyId, Q.whatWrong, {});
		expect(q.waves.map((w) => [w.responded, w.answered, w.noAnswer])).toEqual([
			[2, 0, 2],
			[3, 0, 3]
		]);
		const nps = await results.questionDetail(db, s.surveyId, Q.nps, { orders: 'completed' });
		expect(nps.waves.map((w) => w.responded)).toEqual([0, 0]);
	});
});

describe('comments and export', () => {
	it('lists, searches, tags and ranks comments; exports stable CSV columns', async () => {
		const db = ctx.db;
		const s = await setup(db, 3);
		const base: Answers = { [Q.satisfied]: false, [Q.value]: 3, [Q.nps]: 5 };
		await submit(db, {
			version: s.version,
			waveId: s.waves[0],
			customerId: s.customerIds[0],
			answers: { ...base, [Q.whatWrong]: 'Late parcel' }
		});
		await submit(db, {
			version: s.version,
			waveId: s.waves[1],
			customerId: s.customerIds[1],
			answers: { ...base, [Q.whatWrong]: 'Parcel was late again' }
		});
		await submit(db, {
			version: s.version,
			waveId: s.waves[1],
			customerId: s.customerIds[2],
			answers: { ...base, [Q.whatWrong]: 'Rude 100% _support_' }
		});
		const all = await results.comments.list(db, s.surveyId, { limit: 10, offset: 0 });
		expect(all.total).toBe(3);
		const late = await results.comments.list(db, s.surveyId, { q: 'late', limit: 10, offset: 0 });
		expect(late.items.map((c) => c.text).sort()).toEqual(['Late parcel', 'Parcel was late again']);
		const literal = await results.comments.list(db, s.surveyId, {
			q: '100%',
			limit: 10,
			offset: 0
		});
		expect(literal.total).toBe(1);
		const tag = await results.comments.ensureTag(db, s.surveyId, 'Late delivery', null);
		expect(await results.comments.ensureTag(db, s.surveyId, 'late DELIVERY', null)).toBe(tag);
		expect(
			await results.comments.apply(
				db,
				s.surveyId,
				tag,
				late.items.map((c) => c.answerId),
				null
			)
		).toBe(2);
		const rude = await results.comments.ensureTag(db, s.surveyId, 'Service', null);
		await results.comments.apply(db, s.surveyId, rude, [literal.items[0].answerId], null);
		const top = await results.comments.topComplaints(db, s.surveyId);
		expect(top.wave?.id).toBe(s.waves[1]);
		expect(top.items.map((c) => [c.name, c.count, c.change])).toEqual([
			// equal counts: the one that grew since the last wave ranks first
			['Service', 1, 1],
			['Late delivery', 1, 0]
		]);
		const tagged = await results.comments.list(db, s.surveyId, {
			tagId: tag,
			limit: 10,
			offset: 0
		});
		expect(tagged.total).toBe(2);

		const rows: string[][] = [];
		for await (const row of results.exporter.csvRows(db, s.surveyId, 2)) rows.push(row);
		expect(rows).toHaveLength(4);
		const header = rows[0];
		expect(header.slice(0, 6)).toEqual([
			'response_id',
			'wave',
			'wave_date',
			'completed_at',
			'customer',
			'anonymous'
		]);
		const col = (name: string) => header.indexOf(name);
		expect(rows[1][col(results.columnKey(Q.satisfied))]).toBe('no');
		expect(rows[1][col(results.columnKey(Q.whatWrong))]).toBe('Late parcel');
		expect(rows[1][col('customer')]).toBe('c1');
		expect(header).toContain(results.columnKey(Q.delivery, 'speed'));
	});
});
