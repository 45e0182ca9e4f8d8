import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import type { Filters } from '$lib/schemas/results';
import { change, summarize, type Change, type Sums } from '$lib/results/stats';
import { customerPredicate, narrows } from './filters';
import * as followups from './followups';

export class SurveyNotFoundError extends Error {
	constructor() {
		super('That survey does not exist.');
	}
}

export interface WaveRef {
	id: number;
	name: string;
	at: Date;
	status: string;
}

export interface WaveSummary extends WaveRef {
	invited: number;
	started: number;
	responded: number;
	/** responded / invited, 0–100; null with no invitations (e.g. a public link) */
	responseRate: number | null;
	/** responded / started, 0–100 */
	completionRate: number | null;
	nps: number | null;
	npsN: number;
}

export type TopicSums = Sums & { top2: number };

export interface TopicPoint {
	waveId: number;
	n: number;
	mean: number | null;
	ciLow: number | null;
	ciHigh: number | null;
	/** share of respondents whose topic score is ≥ 75, 0–100 */
	top2Share: number | null;
}

export interface TopicSeries {
	id: number;
	key: string;
	name: string;
	colour: string;
	target: number | null;
	benchmark: number | null;
	/** the external benchmark's source and year (reporting, issue 11) */
	benchmarkSource?: string | null;
	benchmarkYear?: number | null;
	/** one point per shown wave, in wave order */
	points: TopicPoint[];
	current: TopicPoint | null;
	change: Change;
}

export interface SurveyInfo {
	id: number;
	title: string;
	kind: string;
}

export async function surveyInfo(db: DbOrTrx, surveyId: number): Promise<SurveyInfo> {
	const s = await db
		.selectFrom('surveys')
		.select(['id', 'title', 'kind'])
		.where('id', '=', surveyId)
		.where('is_template', '=', false)
		.executeTakeFirst();
	if (!s) throw new SurveyNotFoundError();
	return s;
}

export interface SurveyWithResults {
	id: number;
	title: string;
	waves: number;
	responses: number;
	lastWaveAt: Date | null;
	openFollowUps: number;
}

/** Surveys that have at least one wave, with their response totals (from rollups). */
export async function surveysWithResults(db: DbOrTrx): Promise<SurveyWithResults[]> {
	const rows = await db
		.selectFrom('surveys as s')
		.innerJoin('waves as w', 'w.survey_id', 's.id')
		.leftJoin('rollup_waves as rw', 'rw.wave_id', 'w.id')
		.select((eb) => [
			's.id',
			's.title',
			eb.fn.count<number>('w.id').as('waves'),
			eb.fn.coalesce(eb.fn.sum<number>('rw.responses'), sql<number>`0`).as('responses'),
			eb.fn.max('w.scheduled_for').as('last_wave_at'),
			eb
				.selectFrom('follow_ups as f')
				.select(eb.fn.countAll<number>().as('n'))
				.whereRef('f.survey_id', '=', 's.id')
				.where('f.status', '=', 'open')
				.as('open_follow_ups')
		])
		.where('s.is_template', '=', false)
		.groupBy(['s.id', 's.title'])
		.orderBy(sql`max(w.scheduled_for)`, 'desc')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		waves: Number(r.waves),
		responses: Number(r.responses),
		lastWaveAt: r.last_wave_at as Date | null,
		openFollowUps: Number(r.open_follow_ups ?? 0)
	}));
}

/** All waves of a survey, oldest first. */
export async function waves(db: DbOrTrx, surveyId: number): Promise<WaveRef[]> {
	const rows = await db
		.selectFrom('waves')
		.select(['id', 'name', 'scheduled_for', 'status'])
		.where('survey_id', '=', surveyId)
		.orderBy('scheduled_for')
		.orderBy('id')
		.execute();
	return rows.map((w, i) => ({
		id: w.id,
		name: w.name || `Wave ${i + 1}`,
		at: w.scheduled_for,
		status: w.status
	}));
}

/** The waves inside the filter's range (by wave order). */
export function inRange(all: WaveRef[], f: Pick<Filters, 'from' | 'to'>): WaveRef[] {
	let start = 0;
	let end = all.length - 1;
	if (f.from !== undefined) {
		const i = all.findIndex((w) => w.id === f.from);
		if (i >= 0) start = i;
	}
	if (f.to !== undefined) {
		const i = all.findIndex((w) => w.id === f.to);
		if (i >= 0) end = i;
	}
	return start <= end ? all.slice(start, end + 1) : all.slice(end, start + 1);
}

export interface TopicMeta {
	id: number;
	key: string;
	name: string;
	colour: string;
	target: number | null;
	benchmark: number | null;
	benchmarkSource?: string | null;
	benchmarkYear?: number | null;
}

/** Topics the survey's questions belong to (in any published version). */
export async function surveyTopics(db: DbOrTrx, surveyId: number): Promise<TopicMeta[]> {
	const rows = await db
		.selectFrom('topics as t')
		.select([
			't.id',
			't.key',
			't.name',
			't.colour',
			't.target',
			't.benchmark',
			't.benchmark_source',
			't.benchmark_year',
			't.position'
		])
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('questions as q')
					.innerJoin('survey_versions as v', 'v.id', 'q.version_id')
					.select(sql`1`.as('one'))
					.whereRef('q.topic_id', '=', 't.id')
					.where('v.survey_id', '=', surveyId)
			)
		)
		.orderBy('t.position')
		.orderBy('t.name')
		.execute();
	return rows.map((t) => ({
		id: t.id,
		key: t.key,
		name: t.name,
		colour: t.colour,
		target: t.target === null ? null : Number(t.target),
		benchmark: t.benchmark === null ? null : Number(t.benchmark),
		benchmarkSource: t.benchmark_source,
		benchmarkYear: t.benchmark_year
	}));
}

type SumsRow = {
	wave_id: number;
	topic_id: number;
	n: number;
	sum: number;
	sumsq: number;
	top2: number;
};

/**
 * Per wave × topic sums: from rollups, or (with narrowing filters) from the answers of the
 * matching respondents. Key: `${waveId}:${topicId}`.
 */
export async function topicSums(
	db: DbOrTrx,
	surveyId: number,
	waveIds: number[],
	f: Filters
): Promise<Map<string, TopicSums>> {
	const out = new Map<string, TopicSums>();
	if (waveIds.length === 0) return out;
	let rows: SumsRow[];
	if (!narrows(f)) {
		rows = await db
			.selectFrom('rollup_topics')
			.select(['wave_id', 'topic_id', 'n', 'score_sum as sum', 'score_sumsq as sumsq', 'top2'])
			.where('wave_id', 'in', waveIds)
			.execute();
	} else {
		const pred = (await customerPredicate(db, f, 'r.customer_id')) ?? sql`true`;
		const res = await sql<SumsRow>`
			select wave_id, topic_id, count(*)::int as n, sum(m) as sum, sum(m * m) as sumsq,
				(count(*) filter (where m >= 75))::int as top2
			from (
				select r.wave_id, q.topic_id, a.response_id, avg(a.score) as m
				from responses r
				join answers a on a.response_id = r.id
				join questions q on q.id = a.question_id
				where r.survey_id = ${surveyId} and r.status = 'complete'
					and r.wave_id in (${sql.join(waveIds)})
					and a.score is not null and q.topic_id is not null and ${pred}
				group by r.wave_id, q.topic_id, a.response_id
			) per_response
			group by wave_id, topic_id`.execute(db);
		rows = res.rows;
	}
	for (const r of rows)
		out.set(`${r.wave_id}:${r.topic_id}`, {
			n: Number(r.n),
			sum: Number(r.sum),
			sumsq: Number(r.sumsq),
			top2: Number(r.top2)
		});
	return out;
}

/** Turns sums into a chart point. */
export function point(waveId: number, s: TopicSums | undefined): TopicPoint {
	if (!s || s.n === 0)
		return { waveId, n: 0, mean: null, ciLow: null, ciHigh: null, top2Share: null };
	const sum = summarize(s);
	return {
		waveId,
		n: s.n,
		mean: sum.mean,
		ciLow: sum.ciLow,
		ciHigh: sum.ciHigh,
		top2Share: (s.top2 / s.n) * 100
	};
}

/** Topic series over the shown waves, with the last wave's change against the one before. */
export async function topicSeries(
	db: DbOrTrx,
	surveyId: number,
	shown: WaveRef[],
	f: Filters,
	topics?: TopicMeta[]
): Promise<TopicSeries[]> {
	const meta = topics ?? (await surveyTopics(db, surveyId));
	const sums = await topicSums(
		db,
		surveyId,
		shown.map((w) => w.id),
		f
	);
	return meta.map((t) => {
		const points = shown.map((w) => point(w.id, sums.get(`${w.id}:${t.id}`)));
		// the current wave is the last shown wave with answers for this topic
		let cur = -1;
		for (let i = points.length - 1; i >= 0; i--)
			if (points[i].n > 0) {
				cur = i;
				break;
			}
		const curSums = cur >= 0 ? sums.get(`${shown[cur].id}:${t.id}`) : undefined;
		let prevSums: TopicSums | undefined;
		for (let i = cur - 1; i >= 0 && !prevSums; i--) prevSums = sums.get(`${shown[i].id}:${t.id}`);
		return {
			...t,
			points,
			current: cur >= 0 ? points[cur] : null,
			change: curSums
				? change(prevSums ?? null, curSums)
				: change(null, { n: 0, sum: 0, sumsq: 0, top2: 0 })
		};
	});
}

/** Headline figures per wave: invited, started, responded, rates and NPS. */
export async function headline(
	db: DbOrTrx,
	surveyId: number,
	shown: WaveRef[],
	f: Filters
): Promise<{ waves: WaveSummary[]; hasNps: boolean }> {
	const ids = shown.map((w) => w.id);
	if (ids.length === 0) return { waves: [], hasNps: false };
	const narrowed = narrows(f);
	const invPred = narrowed ? await customerPredicate(db, f, 'i.customer_id') : null;
	const respPred = narrowed ? await customerPredicate(db, f, 'r.customer_id') : null;
	const invited = await sql<{ wave_id: number; n: number }>`
		select i.wave_id, count(*)::int as n from invitations i
		where i.wave_id in (${sql.join(ids)}) and ${invPred ?? sql`true`}
		group by i.wave_id`.execute(db);
	const declared = await db
		.selectFrom('waves')
		.select(['id', 'invited_count'])
		.where('id', 'in', ids)
		.execute();
	const started = await sql<{ wave_id: number; started: number; complete: number }>`
		select r.wave_id, count(*)::int as started,
			(count(*) filter (where r.status = 'complete'))::int as complete
		from responses r where r.wave_id in (${sql.join(ids)}) and ${respPred ?? sql`true`}
		group by r.wave_id`.execute(db);
	let npsRows: { wave_id: number; value: number; n: number }[];
	if (!narrowed) {
		npsRows = (
			await sql<{ wave_id: number; value: number; n: number }>`
			select rv.wave_id, rv.value, sum(rv.n)::int as n from rollup_values rv
			join questions q on q.id = rv.question_id
			where q.type = 'nps' and rv.wave_id in (${sql.join(ids)}) and rv.value is not null
			group by rv.wave_id, rv.value`.execute(db)
		).rows;
	} else {
		npsRows = (
			await sql<{ wave_id: number; value: number; n: number }>`
			select r.wave_id, a.value, count(*)::int as n from responses r
			join answers a on a.response_id = r.id
			join questions q on q.id = a.question_id
			where r.survey_id = ${surveyId} and r.status = 'complete' and q.type = 'nps'
				and r.wave_id in (${sql.join(ids)}) and a.value is not null and ${respPred ?? sql`true`}
			group by r.wave_id, a.value`.execute(db)
		).rows;
	}
	const hasNpsQuestion = await db
		.selectFrom('questions as q')
		.innerJoin('survey_versions as v', 'v.id', 'q.version_id')
		.select('q.id')
		.where('v.survey_id', '=', surveyId)
		.where('q.type', '=', 'nps')
		.limit(1)
		.executeTakeFirst();
	const inv = new Map(invited.rows.map((r) => [r.wave_id, Number(r.n)]));
	const decl = new Map(declared.map((r) => [r.id, Number(r.invited_count)]));
	const st = new Map(started.rows.map((r) => [r.wave_id, r]));
	return {
		hasNps: !!hasNpsQuestion,
		waves: shown.map((w) => {
			const invitedN = narrowed
				? (inv.get(w.id) ?? 0)
				: Math.max(inv.get(w.id) ?? 0, decl.get(w.id) ?? 0);
			const s = st.get(w.id);
			const startedN = Number(s?.started ?? 0);
			const responded = Number(s?.complete ?? 0);
			let promoters = 0;
			let detractors = 0;
			let npsN = 0;
			for (const r of npsRows) {
				if (r.wave_id !== w.id) continue;
				const v = Number(r.value);
				const n = Number(r.n);
				npsN += n;
				if (v >= 9) promoters += n;
				else if (v <= 6) detractors += n;
			}
			return {
				...w,
				invited: invitedN,
				started: startedN,
				responded,
				responseRate: invitedN > 0 ? (responded / invitedN) * 100 : null,
				completionRate: startedN > 0 ? (responded / startedN) * 100 : null,
				nps: npsN > 0 ? Math.round(((promoters - detractors) / npsN) * 1000) / 10 : null,
				npsN
			};
		})
	};
}

export interface Dashboard {
	survey: SurveyInfo;
	allWaves: WaveRef[];
	waves: WaveSummary[];
	topics: TopicSeries[];
	hasNps: boolean;
	followUps: Record<followups.FollowUpStatus, number>;
	filtered: boolean;
}

/** The topic dashboard of a survey for the given filters. */
export async function dashboard(db: DbOrTrx, surveyId: number, f: Filters): Promise<Dashboard> {
	const survey = await surveyInfo(db, surveyId);
	const all = await waves(db, surveyId);
	const shown = inRange(all, f);
	const [topics, head, fu] = await Promise.all([
		topicSeries(db, surveyId, shown, f),
		headline(db, surveyId, shown, f),
		followups.counts(db, surveyId)
	]);
	return {
		survey,
		allWaves: all,
		waves: head.waves,
		topics,
		hasNps: head.hasNps,
		followUps: fu,
		filtered: narrows(f)
	};
}
