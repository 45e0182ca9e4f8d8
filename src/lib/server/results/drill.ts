import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import type { Filters } from '$lib/schemas/results';
import { customerPredicate, narrows } from './filters';
import {
	inRange,
	point,
	surveyInfo,
	waves,
	type TopicMeta,
	type TopicPoint,
	type WaveRef
} from './dashboard';

export class NotFoundError extends Error {}

export interface QuestionMeta {
	lineage: string;
	prompt: string;
	type: string;
	scored: boolean;
	topicId: number | null;
	settings: Record<string, unknown>;
	/** the CSV column key (stable across waves and versions) */
	column: string;
}

/** The CSV/API column key of a question lineage (and matrix statement). */
export function columnKey(lineage: string, item?: string): string {
	const base = `q_${lineage.replaceAll('-', '')}`;
	return item ? `${base}_${item}` : base;
}

/** The survey's questions by lineage, as worded in the newest published version having each. */
export async function surveyQuestions(db: DbOrTrx, surveyId: number): Promise<QuestionMeta[]> {
	const rows = await sql<{
		lineage: string;
		prompt: string;
		type: string;
		scored: boolean;
		topic_id: number | null;
		settings: Record<string, unknown>;
		number: number;
		position: number;
	}>`
		select distinct on (q.lineage) q.lineage, q.prompt, q.type, q.scored, q.topic_id, q.settings,
			v.number, q.position
		from questions q join survey_versions v on v.id = q.version_id
		where v.survey_id = ${surveyId}
		order by q.lineage, v.number desc`.execute(db);
	return rows.rows
		.sort((a, b) => a.position - b.position)
		.map((r) => ({
			lineage: r.lineage,
			prompt: r.prompt,
			type: r.type,
			scored: r.scored,
			topicId: r.topic_id,
			settings: r.settings,
			column: columnKey(r.lineage)
		}));
}

type ScoreRow = {
	wave_id: number;
	lineage: string;
	n: number;
	sum: number;
	sumsq: number;
	top2: number;
};

export interface TopicDetail {
	topic: TopicMeta;
	waves: WaveRef[];
	questions: (QuestionMeta & { points: TopicPoint[] })[];
}

/** A topic's questions with their score per wave (joined on lineage across versions). */
export async function topicDetail(
	db: DbOrTrx,
	surveyId: number,
	topicId: number,
	f: Filters
): Promise<TopicDetail> {
	await surveyInfo(db, surveyId);
	const topic = await db
		.selectFrom('topics')
		.select(['id', 'key', 'name', 'colour', 'target', 'benchmark'])
		.where('id', '=', topicId)
		.executeTakeFirst();
	if (!topic) throw new NotFoundError('That topic does not exist.');
	const shown = inRange(await waves(db, surveyId), f);
	const questions = (await surveyQuestions(db, surveyId)).filter((q) => q.topicId === topicId);
	const lineages = questions.map((q) => q.lineage);
	const ids = shown.map((w) => w.id);
	let rows: ScoreRow[] = [];
	if (lineages.length && ids.length) {
		if (!narrows(f)) {
			rows = (
				await sql<ScoreRow>`
				select wave_id, lineage::text as lineage, sum(score_n)::int as n, sum(score_sum) as sum,
					sum(score_sumsq) as sumsq, sum(top2)::int as top2
				from rollup_values where wave_id in (${sql.join(ids)})
					and lineage in (${sql.join(lineages.map((l) => sql`${l}::uuid`))})
				group by wave_id, lineage`.execute(db)
			).rows;
		} else {
			const pred = (await customerPredicate(db, f, 'r.customer_id')) ?? sql`true`;
			rows = (
				await sql<ScoreRow>`
				select r.wave_id, a.lineage::text as lineage, count(a.score)::int as n,
					coalesce(sum(a.score), 0) as sum, coalesce(sum(a.score * a.score), 0) as sumsq,
					0 as top2
				from responses r join answers a on a.response_id = r.id
				where r.survey_id = ${surveyId} and r.status = 'complete' and r.wave_id in (${sql.join(ids)})
					and a.lineage in (${sql.join(lineages.map((l) => sql`${l}::uuid`))}) and ${pred}
				group by r.wave_id, a.lineage`.execute(db)
			).rows;
		}
	}
	const byKey = new Map(rows.map((r) => [`${r.wave_id}:${r.lineage}`, r]));
	return {
		topic: {
			...topic,
			target: topic.target === null ? null : Number(topic.target),
			benchmark: topic.benchmark === null ? null : Number(topic.benchmark)
		},
		waves: shown,
		questions: questions.map((q) => ({
			...q,
			points: shown.map((w) => {
				const r = byKey.get(`${w.id}:${q.lineage}`);
				return point(
					w.id,
					r
						? { n: Number(r.n), sum: Number(r.sum), sumsq: Number(r.sumsq), top2: Number(r.top2) }
						: undefined
				);
			})
		}))
	};
}

export interface Bucket {
	item: string;
	value: number | null;
	n: number;
	texts: number;
}

export interface QuestionWave {
	wave: WaveRef;
	/** whether this wave's survey version had the question */
	asked: boolean;
	responded: number;
	answered: number;
	noAnswer: number;
	buckets: Bucket[];
	score: TopicPoint;
}

export interface QuestionDetail {
	question: QuestionMeta;
	waves: QuestionWave[];
}

/** One question's answer distribution per wave, with n and "no answer". */
export async function questionDetail(
	db: DbOrTrx,
	surveyId: number,
	lineage: string,
	f: Filters
): Promise<QuestionDetail> {
	await surveyInfo(db, surveyId);
	const question = (await surveyQuestions(db, surveyId)).find((q) => q.lineage === lineage);
	if (!question) throw new NotFoundError('That question is not part of this survey.');
	const shown = inRange(await waves(db, surveyId), f);
	const ids = shown.map((w) => w.id);
	if (ids.length === 0) return { question, waves: [] };
	const asked = await sql<{ wave_id: number }>`
		select w.id as wave_id from waves w
		where w.id in (${sql.join(ids)}) and (
			exists (select 1 from questions q where q.version_id = w.version_id and q.lineage = ${lineage}::uuid)
			or exists (select 1 from rollup_questions rq where rq.wave_id = w.id and rq.lineage = ${lineage}::uuid))`.execute(
		db
	);
	const askedSet = new Set(asked.rows.map((r) => r.wave_id));
	type B = Bucket & {
		wave_id: number;
		score_n: number;
		score_sum: number;
		score_sumsq: number;
		top2: number;
	};
	let buckets: B[];
	let answered: { wave_id: number; n: number }[];
	let responded: { wave_id: number; n: number }[];
	if (!narrows(f)) {
		buckets = (
			await sql<B>`
			select wave_id, item, value, sum(n)::int as n, sum(texts)::int as texts,
				sum(score_n)::int as score_n, sum(score_sum) as score_sum, sum(score_sumsq) as score_sumsq,
				sum(top2)::int as top2
			from rollup_values where lineage = ${lineage}::uuid and wave_id in (${sql.join(ids)})
			group by wave_id, item, value order by item, value`.execute(db)
		).rows;
		answered = (
			await sql<{ wave_id: number; n: number }>`
			select wave_id, sum(answered)::int as n from rollup_questions
			where lineage = ${lineage}::uuid and wave_id in (${sql.join(ids)}) group by wave_id`.execute(db)
		).rows;
		responded = (
			await sql<{ wave_id: number; n: number }>`
			select wave_id, responses as n from rollup_waves where wave_id in (${sql.join(ids)})`.execute(db)
		).rows;
	} else {
		const pred = (await customerPredicate(db, f, 'r.customer_id')) ?? sql`true`;
		const where = sql`r.survey_id = ${surveyId} and r.status = 'complete' and r.wave_id in (${sql.join(ids)}) and ${pred}`;
		buckets = (
			await sql<B>`
			select r.wave_id, a.item, a.value, count(*)::int as n, count(nullif(a.text, ''))::int as texts,
				count(a.score)::int as score_n, coalesce(sum(a.score), 0) as score_sum,
				coalesce(sum(a.score * a.score), 0) as score_sumsq, 0 as top2
			from responses r join answers a on a.response_id = r.id
			where ${where} and a.lineage = ${lineage}::uuid
			group by r.wave_id, a.item, a.value order by a.item, a.value`.execute(db)
		).rows;
		answered = (
			await sql<{ wave_id: number; n: number }>`
			select r.wave_id, count(distinct a.response_id)::int as n
			from responses r join answers a on a.response_id = r.id
			where ${where} and a.lineage = ${lineage}::uuid group by r.wave_id`.execute(db)
		).rows;
		responded = (
			await sql<{ wave_id: number; n: number }>`
			select r.wave_id, count(*)::int as n from responses r where ${where} group by r.wave_id`.execute(db)
		).rows;
	}
	const ans = new Map(answered.map((r) => [r.wave_id, Number(r.n)]));
	const resp = new Map(responded.map((r) => [r.wave_id, Number(r.n)]));
	return {
		question,
		waves: shown.map((w) => {
			const mine = buckets.filter((b) => b.wave_id === w.id);
			const sums = mine.reduce(
				(acc, b) => ({
					n: acc.n + Number(b.score_n),
					sum: acc.sum + Number(b.score_sum),
					sumsq: acc.sumsq + Number(b.score_sumsq),
					top2: acc.top2 + Number(b.top2)
				}),
				{ n: 0, sum: 0, sumsq: 0, top2: 0 }
			);
			const answeredN = ans.get(w.id) ?? 0;
			const respondedN = resp.get(w.id) ?? 0;
			return {
				wave: w,
				asked: askedSet.has(w.id),
				responded: respondedN,
				answered: answeredN,
				noAnswer: Math.max(0, respondedN - answeredN),
				buckets: mine.map((b) => ({
					item: b.item,
					value: b.value === null ? null : Number(b.value),
					n: Number(b.n),
					texts: Number(b.texts)
				})),
				score: point(w.id, sums.n ? sums : undefined)
			};
		})
	};
}
