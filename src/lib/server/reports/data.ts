import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import type { Filters } from '$lib/schemas/results';
import * as results from '../results';
import { customerPredicate } from '../results/filters';
import { maskPersonalData } from '../sharing/redact';
import { complaints as topComplaints } from './complaints';
import type {
	ReportComment,
	ReportData,
	ReportTopic,
	ReportWave,
	Significance
} from '$lib/reports/types';

// Assembles a report from the results domain: every score, change and significance comes from
// results (rollups and its statistics); this module only picks the wave and shapes the data.

export interface BuildOptions {
	/** the wave the report is about (default: the newest wave with responses in the range) */
	waveId?: number;
	filters?: Filters;
	now?: Date;
	/** how many free-text answers to include (0 for none) */
	commentLimit?: number;
}

/** Builds the report of one survey (throws results' SurveyNotFoundError for an unknown survey). */
export async function build(
	db: DbOrTrx,
	surveyId: number,
	opts: BuildOptions = {}
): Promise<ReportData> {
	const base: Filters = { ...(opts.filters ?? {}) };
	delete base.compare;
	// the report is about one wave: the range ends there, so "change" compares it with the one before
	const all = await results.waves(db, surveyId);
	const range = results.inRange(all, base);
	let currentId = opts.waveId;
	if (currentId === undefined && range.length) {
		const withResponses = await db
			.selectFrom('rollup_waves')
			.select('wave_id')
			.where(
				'wave_id',
				'in',
				range.map((w) => w.id)
			)
			.where('responses', '>', 0)
			.execute();
		const has = new Set(withResponses.map((r) => r.wave_id));
		currentId = [...range].reverse().find((w) => has.has(w.id))?.id ?? range[range.length - 1].id;
	}
	const f: Filters = currentId !== undefined ? { ...base, to: currentId } : base;
	if (f.from !== undefined && currentId !== undefined) {
		const iFrom = all.findIndex((w) => w.id === f.from);
		const iCur = all.findIndex((w) => w.id === currentId);
		if (iFrom > iCur) delete f.from;
	}
	const dash = await results.dashboard(db, surveyId, f);
	const closed = dash.waves.length
		? await db
				.selectFrom('waves')
				.select(['id', 'closed_at'])
				.where(
					'id',
					'in',
					dash.waves.map((w) => w.id)
				)
				.execute()
		: [];
	const closedAt = new Map(closed.map((r) => [r.id, r.closed_at]));
	const waves: ReportWave[] = dash.waves.map((w) => ({
		id: w.id,
		name: w.name,
		scheduledFor: w.at,
		status: w.status,
		closedAt: closedAt.get(w.id) ?? null,
		invited: w.invited,
		responded: w.responded,
		responseRate: w.responseRate
	}));
	const curIndex = waves.findIndex((w) => w.id === currentId);
	const current = curIndex >= 0 ? waves[curIndex] : null;
	const previous = curIndex > 0 ? waves[curIndex - 1] : null;

	const topicIds = dash.topics.map((t) => t.id);
	const extra = topicIds.length
		? await db
				.selectFrom('topics')
				.select(['id', 'benchmark_source', 'benchmark_year'])
				.where('id', 'in', topicIds)
				.execute()
		: [];
	const extraById = new Map(extra.map((t) => [t.id, t]));

	const topics: ReportTopic[] = [];
	for (const t of dash.topics) {
		const isCurrent = t.current !== null && t.current.waveId === currentId;
		const c = t.change;
		let significance: Significance = 'no-previous';
		if (isCurrent && c.delta !== null)
			significance = !c.enough ? 'not-enough' : c.significant ? 'significant' : 'not-significant';
		const detail = await results.topicDetail(db, surveyId, t.id, f);
		const score = isCurrent ? t.current!.mean : null;
		topics.push({
			id: t.id,
			key: t.key,
			name: t.name,
			colour: t.colour,
			target: t.target,
			benchmark: t.benchmark,
			benchmarkSource: extraById.get(t.id)?.benchmark_source ?? null,
			benchmarkYear: extraById.get(t.id)?.benchmark_year ?? null,
			score,
			n: isCurrent ? t.current!.n : 0,
			previous: isCurrent && c.delta !== null && score !== null ? score - c.delta : null,
			change: isCurrent ? c.delta : null,
			significance,
			trend: t.points.map((p) => p.mean),
			questions: detail.questions
				.filter((q) => q.scored || q.points.some((p) => p.n > 0 && p.mean !== null))
				.map((q) => ({
					lineage: q.lineage,
					prompt: q.prompt,
					type: q.type,
					trend: q.points.map((p) => p.mean),
					n: q.points.map((p) => (p.n > 0 ? p.n : null))
				}))
		});
	}
	const belowTarget = topics
		.filter((t) => t.target !== null && t.score !== null && t.score < t.target)
		.map((topic) => ({ topic, gap: topic.target! - topic.score! }))
		.sort((a, b) => b.gap - a.gap)
		.slice(0, 3);

	const currentSummary = dash.waves.find((w) => w.id === currentId);
	return {
		survey: { id: dash.survey.id, title: dash.survey.title },
		generatedAt: opts.now ?? new Date(),
		filterSummary: await describeFilters(db, base, all),
		waves,
		current,
		previous,
		topics,
		belowTarget,
		complaints: current
			? await topComplaints(db, {
					surveyId,
					waveId: current.id,
					previousWaveId: previous?.id ?? null
				})
			: [],
		followUps: dash.followUps,
		nps: currentSummary?.nps ?? null,
		comments:
			current && (opts.commentLimit ?? 20) > 0
				? await comments(db, surveyId, current.id, f, opts.commentLimit ?? 20)
				: []
	};
}

/** Recent free-text answers of a wave, masked: never who wrote them, nor what identifies them. */
async function comments(
	db: DbOrTrx,
	surveyId: number,
	waveId: number,
	f: Filters,
	limit: number
): Promise<ReportComment[]> {
	const pred = (await customerPredicate(db, f, 'r.customer_id')) ?? sql<boolean>`true`;
	const rows = await sql<{
		text: string;
		lineage: string;
		prompt: string;
		name: string | null;
		email: string | null;
	}>`
		select a.text, a.lineage::text as lineage, q.prompt, c.name, c.email
		from answers a
		join responses r on r.id = a.response_id
		join questions q on q.id = a.question_id
		left join customers c on c.id = r.customer_id
		where r.survey_id = ${surveyId} and r.wave_id = ${waveId} and r.status = 'complete'
			and q.type in ('short_text', 'long_text') and a.text is not null and a.text <> ''
			and (c.id is null or c.erased_at is null) and ${pred}
		order by r.completed_at desc nulls last, a.id desc
		limit ${limit}`.execute(db);
	return rows.rows.map((r) => ({
		questionPrompt: r.prompt,
		lineage: r.lineage,
		text: maskPersonalData(r.text, [r.name ?? '', r.email ?? '']).slice(0, 1000)
	}));
}

/** "Segment: Newsletter · Country = DE · Waves: Q1 – Q3" for the report's title page. */
async function describeFilters(
	db: DbOrTrx,
	f: Filters,
	all: { id: number; name: string }[]
): Promise<string> {
	const parts: string[] = [];
	if (f.segment !== undefined) {
		const seg = await db
			.selectFrom('segments')
			.select('name')
			.where('id', '=', f.segment)
			.executeTakeFirst();
		parts.push(`Segment: ${seg?.name ?? 'unknown'}`);
	}
	if (f.attr) {
		const at = f.attr.indexOf(':');
		parts.push(`${f.attr.slice(0, at)} = ${f.attr.slice(at + 1)}`);
	}
	if (f.orders) parts.push(f.orders === 'completed' ? 'Completed an order' : 'Abandoned a cart');
	const name = (id?: number) => all.find((w) => w.id === id)?.name;
	if (f.from !== undefined || f.to !== undefined)
		parts.push(`Waves: ${name(f.from) ?? 'first'} – ${name(f.to) ?? 'latest'}`);
	return parts.join(' · ');
}
