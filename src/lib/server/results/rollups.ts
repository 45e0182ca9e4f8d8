import { sql, type RawBuilder } from 'kysely';
import { inTransaction, type DbOrTrx, type Trx } from '../db';

// Rollups: per wave × question × item × value counts and exact (numeric) score sums, per wave ×
// topic respondent-level sums, and respondents per question. The submit only queues the response
// (completions.ts: a row of its own, so no shared row is locked on the submit path); the queue's
// flush folds responses in with foldIn(), in batches, a few hundred milliseconds later.
// rebuild() recomputes a wave from its answers (after edits or erasure) and gives the same numbers.

/** Advisory lock class: flushes take it shared per wave, rebuild takes it exclusively. */
const LOCK_CLASS = 80611;

/** Whether an answer row is in the top two boxes of its scale (or yes, a promoter, score ≥ 75). */
export const top2Sql: RawBuilder<boolean> = sql<boolean>`(case q.type
	when 'nps' then a.value >= 9
	when 'yesno' then a.value = 1
	when 'single' then a.score >= 75
	when 'rating' then a.value >= (q.settings->>'max')::numeric - 1
	when 'likert' then a.value >= (q.settings->>'points')::numeric - 1
	when 'matrix' then a.value >= (q.settings->>'points')::numeric - 1
	else false end)`;

/**
 * The answer rows to fold in, with their wave, topic and top-two flag: `from` is the rest of a
 * select over answers a, responses r and questions q.
 */
const answerRows = (from: RawBuilder<unknown>) => sql`
	select r.wave_id, a.response_id, a.question_id, a.lineage, a.item, a.value, a.score, a.text,
		q.topic_id, (a.score is not null and ${top2Sql}) as top2
	${from}`;

/**
 * Answer rows (see answerRows) rolled into the rollups in one statement (one round trip while the
 * shared rollup rows are locked); with `counted` (a flush's batch) the rows are read once into a
 * materialized CTE and the response counts of those responses' waves are bumped in the same
 * statement. A rebuild's rows (a whole wave or survey) are read per rollup instead: materializing
 * millions of rows would spill to temporary files and was no faster.
 */
async function addAnswers(
	db: DbOrTrx,
	rows: RawBuilder<unknown>,
	counted?: number[]
): Promise<void> {
	const once = counted ? sql`materialized` : sql`not materialized`;
	const bump = counted?.length
		? sql`, bump as (
		insert into rollup_waves (wave_id, survey_id, responses)
		select r.wave_id, r.survey_id, count(*)::int
		from unnest(${counted}::int[]) as t(id) join responses r on r.id = t.id
		group by r.wave_id, r.survey_id
		order by r.wave_id
		on conflict (wave_id) do update set
			responses = rollup_waves.responses + excluded.responses, updated_at = ${new Date()}
		returning 1)`
		: sql``;
	await sql`
		with src as ${once} (${rows}), vals as (
		insert into rollup_values
			(wave_id, question_id, lineage, item, value, n, texts, score_n, score_sum, score_sumsq, top2)
		select wave_id, question_id, lineage, item, value, count(*)::int,
			count(nullif(text, ''))::int, count(score)::int,
			coalesce(sum(score), 0), coalesce(sum(score * score), 0),
			(count(*) filter (where top2))::int
		from src
		group by wave_id, question_id, lineage, item, value
		order by wave_id, question_id, item, value
		on conflict (wave_id, question_id, item, value) do update set
			n = rollup_values.n + excluded.n,
			texts = rollup_values.texts + excluded.texts,
			score_n = rollup_values.score_n + excluded.score_n,
			score_sum = rollup_values.score_sum + excluded.score_sum,
			score_sumsq = rollup_values.score_sumsq + excluded.score_sumsq,
			top2 = rollup_values.top2 + excluded.top2
		returning 1
	), quests as (
		insert into rollup_questions (wave_id, question_id, lineage, answered)
		select wave_id, question_id, lineage, count(distinct response_id)::int
		from src
		group by wave_id, question_id, lineage
		order by wave_id, question_id
		on conflict (wave_id, question_id) do update set
			answered = rollup_questions.answered + excluded.answered
		returning 1
	), tops as (
		insert into rollup_topics (wave_id, topic_id, n, score_sum, score_sumsq, top2)
		select wave_id, topic_id, count(*)::int, sum(m), sum(m * m), (count(*) filter (where m >= 75))::int
		from (
			select wave_id, topic_id, response_id, avg(score) as m
			from src
			where score is not null and topic_id is not null
			group by wave_id, topic_id, response_id
		) per_response
		group by wave_id, topic_id
		order by wave_id, topic_id
		on conflict (wave_id, topic_id) do update set
			n = rollup_topics.n + excluded.n,
			score_sum = rollup_topics.score_sum + excluded.score_sum,
			score_sumsq = rollup_topics.score_sumsq + excluded.score_sumsq,
			top2 = rollup_topics.top2 + excluded.top2
		returning 1
	)${bump}
	select 1`.execute(db);
}

/**
 * Folds completed responses into their waves' rollups (inside the caller's transaction, which
 * took them off the completion queue). Safe with concurrent callers: rollup_responses counts every
 * response at most once, and a rebuild of the same wave waits (advisory lock).
 */
export async function foldIn(trx: Trx, responseIds: number[], waveIds: number[]): Promise<void> {
	for (const w of [...new Set(waveIds)].sort((a, b) => a - b))
		await sql`select pg_advisory_xact_lock_shared(${LOCK_CLASS}, ${w}::int)`.execute(trx);
	const claimed = await sql<{ response_id: number }>`
		insert into rollup_responses (response_id, wave_id)
		select r.id, r.wave_id from unnest(${responseIds}::int[]) as t(id) join responses r on r.id = t.id
		where r.status = 'complete' and r.wave_id is not null
		order by r.id
		on conflict (response_id) do nothing
		returning response_id`.execute(trx);
	const counted = claimed.rows.map((r) => r.response_id);
	if (counted.length === 0) return;
	// each response's answers through its index: a plan that stays right when the answers table
	// has no statistics yet (a new database under load chose a sequential scan per flush)
	await addAnswers(
		trx,
		answerRows(sql`from unnest(${counted}::int[]) as t(id)
			join responses r on r.id = t.id
			cross join lateral (select * from answers a where a.response_id = t.id offset 0) a
			join questions q on q.id = a.question_id`),
		counted
	);
}

/** Recomputes one wave's rollups from its answers (after edits, erasure or a bug fix). */
export async function rebuild(db: DbOrTrx, waveId: number): Promise<void> {
	await inTransaction(db, async (trx) => {
		await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, ${waveId}::int)`.execute(trx);
		const wave = await trx
			.selectFrom('waves')
			.select(['id', 'survey_id'])
			.where('id', '=', waveId)
			.executeTakeFirst();
		for (const table of [
			'rollup_values',
			'rollup_questions',
			'rollup_topics',
			'rollup_responses',
			'rollup_waves'
		] as const) {
			await trx.deleteFrom(table).where('wave_id', '=', waveId).execute();
		}
		if (!wave) return;
		await addAnswers(
			trx,
			answerRows(sql`from answers a join responses r on r.id = a.response_id
				join questions q on q.id = a.question_id
				where r.wave_id = ${waveId}::int and r.status = 'complete'`)
		);
		const counted = await trx
			.insertInto('rollup_responses')
			.columns(['response_id', 'wave_id'])
			.expression((eb) =>
				eb
					.selectFrom('responses')
					.select(['id', 'wave_id'])
					.where('wave_id', '=', waveId)
					.where('status', '=', 'complete')
			)
			.executeTakeFirst();
		await trx
			.insertInto('rollup_waves')
			.values({
				wave_id: waveId,
				survey_id: wave.survey_id,
				responses: Number(counted.numInsertedOrUpdatedRows ?? 0)
			})
			.execute();
	});
}

/** Rebuilds every wave a customer answered in (call after erasing or editing their answers). */
export async function rebuildForCustomer(db: DbOrTrx, customerId: number): Promise<number> {
	const waves = await db
		.selectFrom('responses')
		.select('wave_id')
		.distinct()
		.where('customer_id', '=', customerId)
		.where('wave_id', 'is not', null)
		.execute();
	for (const w of waves) await rebuild(db, w.wave_id!);
	return waves.length;
}

/** Rebuilds every wave of a survey in one set-based pass (faster than wave by wave). */
export async function rebuildSurvey(db: DbOrTrx, surveyId: number): Promise<void> {
	await inTransaction(db, async (trx) => {
		const waves = await trx
			.selectFrom('waves')
			.select('id')
			.where('survey_id', '=', surveyId)
			.orderBy('id')
			.execute();
		if (waves.length === 0) return;
		const ids = waves.map((w) => w.id);
		for (const id of ids)
			await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, ${id}::int)`.execute(trx);
		for (const table of [
			'rollup_values',
			'rollup_questions',
			'rollup_topics',
			'rollup_responses',
			'rollup_waves'
		] as const) {
			await trx.deleteFrom(table).where('wave_id', 'in', ids).execute();
		}
		await addAnswers(
			trx,
			answerRows(sql`from answers a join responses r on r.id = a.response_id
				join questions q on q.id = a.question_id
				where r.survey_id = ${surveyId}::int and r.wave_id is not null and r.status = 'complete'`)
		);
		await trx
			.insertInto('rollup_responses')
			.columns(['response_id', 'wave_id'])
			.expression((eb) =>
				eb
					.selectFrom('responses')
					.select(['id', 'wave_id'])
					.where('wave_id', 'in', ids)
					.where('status', '=', 'complete')
			)
			.execute();
		await sql`
			insert into rollup_waves (wave_id, survey_id, responses)
			select w.id, w.survey_id, (select count(*)::int from rollup_responses rr where rr.wave_id = w.id)
			from waves w where w.id in (${sql.join(ids)})`.execute(trx);
	});
}
