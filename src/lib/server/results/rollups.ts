import { sql, type RawBuilder } from 'kysely';
import type { Db, DbOrTrx, Trx } from '../db';

// Rollups: per wave × question × item × value counts and exact (numeric) score sums, per wave ×
// topic respondent-level sums, and respondents per question. The submit transaction only queues
// the response (rollup_pending, a row of its own: no shared row is locked on the submit path);
// flush() folds queued responses into the rollups in batches, a few hundred milliseconds later
// (nudged by the instance that took the submit, and by every worker pass as the backstop).
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
 * Answers of complete responses matching `where` (a predicate on a, r, q) rolled into rollups, in
 * one statement (one round trip while the shared rollup rows are locked); with `counted` the
 * response counts of those responses' waves are bumped in the same statement.
 */
async function addAnswers(
	db: DbOrTrx,
	where: RawBuilder<unknown>,
	counted?: number[]
): Promise<void> {
	const bump = counted?.length
		? sql`, bump as (
		insert into rollup_waves (wave_id, survey_id, responses)
		select r.wave_id, r.survey_id, count(*)::int from responses r
		where r.id in (${sql.join(counted)})
		group by r.wave_id, r.survey_id
		order by r.wave_id
		on conflict (wave_id) do update set
			responses = rollup_waves.responses + excluded.responses, updated_at = ${new Date()}
		returning 1)`
		: sql``;
	await sql`
		with vals as (
		insert into rollup_values
			(wave_id, question_id, lineage, item, value, n, texts, score_n, score_sum, score_sumsq, top2)
		select r.wave_id, a.question_id, a.lineage, a.item, a.value, count(*)::int,
			count(nullif(a.text, ''))::int, count(a.score)::int,
			coalesce(sum(a.score), 0), coalesce(sum(a.score * a.score), 0),
			(count(*) filter (where a.score is not null and ${top2Sql}))::int
		from answers a
		join responses r on r.id = a.response_id
		join questions q on q.id = a.question_id
		where ${where}
		group by r.wave_id, a.question_id, a.lineage, a.item, a.value
		order by r.wave_id, a.question_id, a.item, a.value
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
		select r.wave_id, a.question_id, a.lineage, count(distinct a.response_id)::int
		from answers a
		join responses r on r.id = a.response_id
		join questions q on q.id = a.question_id
		where ${where}
		group by r.wave_id, a.question_id, a.lineage
		order by r.wave_id, a.question_id
		on conflict (wave_id, question_id) do update set
			answered = rollup_questions.answered + excluded.answered
		returning 1
	), tops as (
		insert into rollup_topics (wave_id, topic_id, n, score_sum, score_sumsq, top2)
		select wave_id, topic_id, count(*)::int, sum(m), sum(m * m), (count(*) filter (where m >= 75))::int
		from (
			select r.wave_id, q.topic_id, a.response_id, avg(a.score) as m
			from answers a
			join responses r on r.id = a.response_id
			join questions q on q.id = a.question_id
			where ${where} and a.score is not null and q.topic_id is not null
			group by r.wave_id, q.topic_id, a.response_id
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
 * Queues a completed response for the rollups; runs inside the transaction that completes it.
 * Idempotent: a second call, or a response already counted, changes nothing.
 */
export async function enqueue(trx: Trx, responseId: number): Promise<void> {
	await sql`insert into rollup_pending (response_id, wave_id)
		select r.id, r.wave_id from responses r
		where r.id = ${responseId}::int and r.status = 'complete' and r.wave_id is not null
			and not exists (select 1 from rollup_responses rr where rr.response_id = r.id)
		on conflict (response_id) do nothing`.execute(trx);
}

/** Most queued responses one flush transaction folds in. */
export const FLUSH_BATCH = 500;

/**
 * Folds up to `limit` queued responses into the rollups in one transaction and returns how many
 * it took off the queue. Safe with any number of concurrent callers (instances): each claims its
 * queue rows with SKIP LOCKED, and rollup_responses counts every response at most once.
 */
export async function flushBatch(db: DbOrTrx, limit = FLUSH_BATCH): Promise<number> {
	return inTransaction(db, async (trx) => {
		const taken = await sql<{ response_id: number; wave_id: number }>`
			delete from rollup_pending where response_id in (
				select response_id from rollup_pending order by response_id
				limit ${limit}::int for update skip locked)
			returning response_id, wave_id`.execute(trx);
		if (taken.rows.length === 0) return 0;
		const waves = [...new Set(taken.rows.map((r) => r.wave_id))].sort((a, b) => a - b);
		for (const w of waves)
			await sql`select pg_advisory_xact_lock_shared(${LOCK_CLASS}, ${w}::int)`.execute(trx);
		const ids = taken.rows.map((r) => r.response_id);
		const claimed = await sql<{ response_id: number }>`
			insert into rollup_responses (response_id, wave_id)
			select r.id, r.wave_id from responses r
			where r.id in (${sql.join(ids)}) and r.status = 'complete' and r.wave_id is not null
			order by r.id
			on conflict (response_id) do nothing
			returning response_id`.execute(trx);
		const counted = claimed.rows.map((r) => r.response_id);
		if (counted.length)
			await addAnswers(trx, sql`a.response_id in (${sql.join(counted)})`, counted);
		return taken.rows.length;
	});
}

/** Flushes until the queue is empty (or `maxBatches` batches ran); returns responses folded in. */
export async function flush(db: DbOrTrx, maxBatches = 100): Promise<number> {
	let total = 0;
	for (let i = 0; i < maxBatches; i++) {
		const n = await flushBatch(db);
		total += n;
		if (n < FLUSH_BATCH) break;
	}
	return total;
}

let nudged = false;
let flushing: Promise<void> = Promise.resolve();

/**
 * Asks this instance to flush the queue shortly (after a submit): the nudges of many concurrent
 * submits make one flush, so each batch transaction locks the shared rollup rows once. A nudge lost
 * in a crash is made good by the worker's next pass.
 */
export function nudge(db: Db, delayMs = 200): void {
	if (nudged) return;
	nudged = true;
	const timer = setTimeout(() => {
		flushing = flushing.then(async () => {
			nudged = false;
			try {
				await flush(db);
			} catch (e) {
				console.error('[rollups] flush failed (the worker retries):', e);
			}
		});
	}, delayMs);
	timer.unref?.();
}

async function inTransaction<T>(db: DbOrTrx, fn: (trx: Trx) => Promise<T>): Promise<T> {
	if (db.isTransaction) return fn(db as Trx);
	return db.transaction().execute(fn);
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
		await addAnswers(trx, sql`r.wave_id = ${waveId}::int and r.status = 'complete'`);
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
			sql`r.survey_id = ${surveyId}::int and r.wave_id is not null and r.status = 'complete'`
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
