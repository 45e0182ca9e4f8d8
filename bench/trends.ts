// P2: topic-trend data for 12 waves × 10k responses × 40 questions (≈5M answers) from rollups,
// as a ratio to a plain GROUP BY over answers in the same run (target ≤ 10%). Both must agree.
// Run alone with `npx tsx bench/trends.ts [databaseUrl]`, or through `npm run bench`.
import { sql } from 'kysely';
import { openDb, type Db } from '../src/lib/server/db';
import { migrateToLatest } from '../src/lib/server/db/migrate';
import { ensureDefaultTopics } from '../src/lib/server/topics/defaults';
import * as results from '../src/lib/server/results';
import type { BenchResult } from './types';
import { median, scratchDatabase } from './util';

const WAVES = Number(process.env.BENCH_TRENDS_WAVES ?? 12);
const RESPONSES = Number(process.env.BENCH_TRENDS_RESPONSES ?? 10_000);
const QUESTIONS = 40;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
	const t = performance.now();
	const value = await fn();
	return { ms: performance.now() - t, value };
}

type Row = { wave_id: number; topic_id: number; n: number; sum: number; sumsq: number };

/** The baseline: the same per-wave × topic figures straight from answers with GROUP BY. */
async function fromAnswers(db: Db, surveyId: number, waveIds: number[]): Promise<Row[]> {
	const res = await sql<Row>`
		select wave_id, topic_id, count(*)::int as n, sum(m) as sum, sum(m * m) as sumsq
		from (
			select r.wave_id, q.topic_id, a.response_id, avg(a.score) as m
			from answers a
			join responses r on r.id = a.response_id
			join questions q on q.id = a.question_id
			where r.survey_id = ${surveyId} and r.status = 'complete'
				and r.wave_id in (${sql.join(waveIds)})
				and a.score is not null and q.topic_id is not null
			group by r.wave_id, q.topic_id, a.response_id
		) per_response
		group by wave_id, topic_id`.execute(db);
	return res.rows;
}

async function generate(
	db: Db
): Promise<{ surveyId: number; versionId: number; waveIds: number[] }> {
	await ensureDefaultTopics(db);
	const survey = await db
		.insertInto('surveys')
		.values({ title: 'Benchmark survey' })
		.returning('id')
		.executeTakeFirstOrThrow();
	const version = await sql<{ id: number }>`
		insert into survey_versions (survey_id, number, status, definition, published_at)
		values (${survey.id}, 1, 'published', '{"title":"Benchmark","sections":[]}'::jsonb, now())
		returning id`.execute(db);
	const versionId = version.rows[0].id;
	// 40 scored 5-point Likert questions spread over the topics
	await sql`
		insert into questions (version_id, lineage, section_index, position, type, prompt, topic_id, scored, settings)
		select ${versionId}, gen_random_uuid(), g / 10, g, 'likert', 'Question ' || g,
			(select id from topics order by id offset (g % (select count(*) from topics)) limit 1),
			true, '{"points": 5}'::jsonb
		from generate_series(0, ${QUESTIONS - 1}) g`.execute(db);
	await sql`
		insert into waves (survey_id, version_id, kind, name, scheduled_for, status, invited_count)
		select ${survey.id}, ${versionId}, 'manual', 'Wave ' || w,
			timestamptz '2024-01-01' + (w || ' months')::interval * 3, 'closed', ${RESPONSES}
		from generate_series(1, ${WAVES}) w`.execute(db);
	const waves = await db
		.selectFrom('waves')
		.select('id')
		.where('survey_id', '=', survey.id)
		.orderBy('scheduled_for')
		.execute();
	await sql`
		insert into responses (survey_id, version_id, wave_id, status, completed_at)
		select ${survey.id}, ${versionId}, w.id, 'complete', w.scheduled_for
		from waves w cross join generate_series(1, ${RESPONSES}) g
		where w.survey_id = ${survey.id}`.execute(db);
	// values 1–5 from a hash of (response, question), drifting a little with the wave; generated
	// set-based in one statement, without per-row FK triggers when the role allows it (superuser)
	await db.transaction().execute(async (trx) => {
		await sql`set local synchronous_commit = off`.execute(trx);
		await sql`savepoint fk`.execute(trx);
		try {
			await sql`set local session_replication_role = replica`.execute(trx);
		} catch {
			await sql`rollback to savepoint fk`.execute(trx);
		}
		await sql`drop index if exists answers_question_idx`.execute(trx);
		await sql`
			insert into answers (response_id, question_id, lineage, value, score)
			select r.id, q.id, q.lineage, v.value, (v.value - 1) * 25
			from responses r
			cross join questions q
			cross join lateral (
				select least(5, 1 + ((r.id * 7919 + q.id * 104729 + (r.id / 7) * q.position) % 5)
					+ (case when r.wave_id % 3 = 0 and q.position % 2 = 0 then 1 else 0 end))::numeric as value
			) v
			where r.survey_id = ${survey.id} and q.version_id = ${versionId}`.execute(trx);
		await sql`create index answers_question_idx on answers (question_id)`.execute(trx);
	});
	await sql`analyze`.execute(db);
	return { surveyId: survey.id, versionId, waveIds: waves.map((w) => w.id) };
}

/** Runs P2 against a fresh database on the server of databaseUrl; drops it afterwards. */
export async function run(databaseUrl: string): Promise<BenchResult> {
	const name = `sdbench_trends_${process.pid}_${Date.now().toString(36)}`;
	const scratch = await scratchDatabase(databaseUrl, name);
	const handle = await openDb({ url: scratch.url, poolSize: 4 });
	const db = handle.db;
	try {
		await migrateToLatest(db as never);
		const gen = await timed(() => generate(db));
		const { surveyId, waveIds } = gen.value;
		const answers = await sql<{ n: number }>`select count(*)::int as n from answers`.execute(db);
		const build = await timed(() => results.rebuildSurvey(db, surveyId));
		const waves = await results.waves(db, surveyId);

		// warm both paths once, then take the median of several runs
		await results.topicSeries(db, surveyId, waves, {});
		await fromAnswers(db, surveyId, waveIds);
		const measuredRuns: number[] = [];
		let series: Awaited<ReturnType<typeof results.topicSeries>> = [];
		for (let i = 0; i < 7; i++) {
			const t = await timed(() => results.topicSeries(db, surveyId, waves, {}));
			measuredRuns.push(t.ms);
			series = t.value;
		}
		// the baseline is slow by nature: two timed runs after the warm-up, the faster one counts
		const baselineRuns: number[] = [];
		let baseline: Row[] = [];
		for (let i = 0; i < 2; i++) {
			const t = await timed(() => fromAnswers(db, surveyId, waveIds));
			baselineRuns.push(t.ms);
			baseline = t.value;
		}

		// both must give the same numbers
		let mismatches = 0;
		let compared = 0;
		for (const b of baseline) {
			const topic = series.find((t) => t.id === b.topic_id);
			const p = topic?.points.find((x) => x.waveId === b.wave_id);
			compared++;
			const mean = Number(b.sum) / Number(b.n);
			if (!p || p.n !== Number(b.n) || Math.abs((p.mean ?? NaN) - mean) > 1e-9) mismatches++;
		}
		const shown = series.reduce((a, t) => a + t.points.filter((p) => p.n > 0).length, 0);
		if (shown !== baseline.length) mismatches++;

		// a new submission is visible on the dashboard as soon as the rollup queue is flushed
		const fresh = await timed(async () => {
			await db.transaction().execute(async (trx) => {
				const r = await trx
					.insertInto('responses')
					.values({
						survey_id: surveyId,
						version_id: gen.value.versionId,
						wave_id: waveIds[waveIds.length - 1],
						status: 'complete',
						completed_at: new Date()
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				await sql`insert into answers (response_id, question_id, lineage, value, score)
					select ${r.id}, id, lineage, 5, 100 from questions where version_id = ${gen.value.versionId}`.execute(
					trx
				);
				await results.onResponseCompleted(trx, r.id);
			});
			await results.flushCompletions(db);
			return results.topicSeries(db, surveyId, waves, {});
		});
		const before = series.reduce((a, t) => a + (t.points.at(-1)?.n ?? 0), 0);
		const after = fresh.value.reduce((a, t) => a + (t.points.at(-1)?.n ?? 0), 0);

		const measuredMs = median(measuredRuns);
		const baselineMs = Math.min(...baselineRuns);
		const ratio = measuredMs / baselineMs;
		return {
			name: 'Topic-trend data from rollups vs GROUP BY over answers',
			target_id: 'P2',
			measuredMs,
			baselineMs,
			ratio,
			target: 0.1,
			direction: 'max',
			pass: ratio <= 0.1 && mismatches === 0 && after > before,
			extra: {
				waves: WAVES,
				responsesPerWave: RESPONSES,
				questions: QUESTIONS,
				answers: answers.rows[0].n,
				generateMs: Math.round(gen.ms),
				rollupRebuildMs: Math.round(build.ms),
				comparedCells: compared,
				mismatches,
				newSubmissionVisibleMs: Math.round(fresh.ms),
				newSubmissionCounted: after === before + series.filter((t) => t.points.at(-1)?.n).length
			}
		};
	} finally {
		await handle.close();
		await scratch.drop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const url =
		process.argv[2] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
	const r = await run(url);
	console.log(JSON.stringify(r, null, 2));
}
