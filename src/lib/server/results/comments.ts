import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import { inRange, surveyInfo, waves, type WaveRef } from './dashboard';
import { surveyQuestions } from './drill';

export class TagExistsError extends Error {
	constructor() {
		super('A tag with that name already exists.');
	}
}
export class TagNotFoundError extends Error {
	constructor() {
		super('That tag no longer exists.');
	}
}

export interface Comment {
	answerId: number;
	responseId: number;
	lineage: string;
	prompt: string;
	text: string;
	waveId: number | null;
	waveName: string;
	completedAt: Date | null;
	/** false when the respondent was erased or answered anonymously: no link to other answers */
	linkable: boolean;
	tags: { id: number; name: string }[];
}

export interface Tag {
	id: number;
	name: string;
	count: number;
}

function escapeLike(s: string): string {
	return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Free-text answers of a survey, newest first, searchable, by question, wave and tag. */
export async function list(
	db: DbOrTrx,
	surveyId: number,
	opts: {
		lineage?: string;
		waveId?: number;
		tagId?: number;
		q?: string;
		limit: number;
		offset: number;
	}
): Promise<{ items: Comment[]; total: number }> {
	const base = db
		.selectFrom('answers as a')
		.innerJoin('responses as r', 'r.id', 'a.response_id')
		.where('r.survey_id', '=', surveyId)
		.where('r.status', '=', 'complete')
		.where('a.text', 'is not', null)
		.where('a.text', '<>', '')
		.$if(!!opts.lineage, (q) => q.where('a.lineage', '=', opts.lineage!))
		.$if(opts.waveId !== undefined, (q) => q.where('r.wave_id', '=', opts.waveId!))
		.$if(!!opts.q, (q) => q.where(sql<boolean>`a.text ilike ${'%' + escapeLike(opts.q!) + '%'}`))
		.$if(opts.tagId !== undefined, (q) =>
			q.where((eb) =>
				eb.exists(
					eb
						.selectFrom('answer_tags as t')
						.select(sql`1`.as('one'))
						.whereRef('t.answer_id', '=', 'a.id')
						.where('t.tag_id', '=', opts.tagId!)
				)
			)
		);
	const [rows, total] = await Promise.all([
		base
			.innerJoin('questions as qu', 'qu.id', 'a.question_id')
			.leftJoin('waves as w', 'w.id', 'r.wave_id')
			.leftJoin('customers as c', 'c.id', 'r.customer_id')
			.select([
				'a.id',
				'a.response_id',
				'a.lineage',
				'qu.prompt',
				'a.text',
				'r.wave_id',
				'w.name as wave_name',
				'r.completed_at',
				'r.anonymous',
				'r.customer_id',
				'c.erased_at'
			])
			.select((eb) =>
				sql<
					{ id: number; name: string }[] | null
				>`(select json_agg(json_build_object('id', ct.id, 'name', ct.name) order by ct.name)
					from answer_tags at2 join comment_tags ct on ct.id = at2.tag_id where at2.answer_id = ${eb.ref('a.id')})`.as(
					'tags'
				)
			)
			.orderBy('r.completed_at', 'desc')
			.orderBy('a.id', 'desc')
			.limit(opts.limit)
			.offset(opts.offset)
			.execute(),
		base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			answerId: Number(r.id),
			responseId: r.response_id,
			lineage: r.lineage,
			prompt: r.prompt,
			text: r.text ?? '',
			waveId: r.wave_id,
			waveName: r.wave_name ?? '',
			completedAt: r.completed_at,
			linkable: !r.anonymous && r.customer_id !== null && !r.erased_at,
			tags: typeof r.tags === 'string' ? JSON.parse(r.tags) : (r.tags ?? [])
		}))
	};
}

/** The survey's comment tags with how many answers carry each. */
export async function tags(db: DbOrTrx, surveyId: number): Promise<Tag[]> {
	const rows = await db
		.selectFrom('comment_tags as t')
		.leftJoin('answer_tags as at', 'at.tag_id', 't.id')
		.select((eb) => ['t.id', 't.name', eb.fn.count<number>('at.answer_id').as('count')])
		.where('t.survey_id', '=', surveyId)
		.groupBy(['t.id', 't.name'])
		.orderBy('t.name')
		.execute();
	return rows.map((r) => ({ id: r.id, name: r.name, count: Number(r.count) }));
}

/** Creates a tag, or returns the existing one of that name (case-insensitive). */
export async function ensureTag(
	db: DbOrTrx,
	surveyId: number,
	name: string,
	userId: number | null
): Promise<number> {
	const existing = await db
		.selectFrom('comment_tags')
		.select('id')
		.where('survey_id', '=', surveyId)
		.where(sql<boolean>`lower(name) = lower(${name})`)
		.executeTakeFirst();
	if (existing) return existing.id;
	const row = await db
		.insertInto('comment_tags')
		.values({ survey_id: surveyId, name, created_by: userId })
		.onConflict((oc) => oc.doNothing())
		.returning('id')
		.executeTakeFirst();
	if (row) return row.id;
	return ensureTag(db, surveyId, name, userId);
}

/**
 * Applies a tag to many answers at once; answers that are not free text of this survey are
 * skipped. Returns how many were newly tagged.
 */
export async function apply(
	db: DbOrTrx,
	surveyId: number,
	tagId: number,
	answerIds: number[],
	userId: number | null
): Promise<number> {
	const tag = await db
		.selectFrom('comment_tags')
		.select('id')
		.where('id', '=', tagId)
		.where('survey_id', '=', surveyId)
		.executeTakeFirst();
	if (!tag) throw new TagNotFoundError();
	if (answerIds.length === 0) return 0;
	const res = await db
		.insertInto('answer_tags')
		.columns(['answer_id', 'tag_id', 'created_by'])
		.expression((eb) =>
			eb
				.selectFrom('answers as a')
				.innerJoin('responses as r', 'r.id', 'a.response_id')
				.select([
					'a.id',
					sql<number>`${tagId}::int`.as('tag_id'),
					sql<number | null>`${userId}::int`.as('created_by')
				])
				.where('a.id', 'in', answerIds)
				.where('r.survey_id', '=', surveyId)
				.where('a.text', 'is not', null)
		)
		.onConflict((oc) => oc.doNothing())
		.executeTakeFirst();
	return Number(res.numInsertedOrUpdatedRows ?? 0);
}

/** Removes a tag from one answer. */
export async function unapply(
	db: DbOrTrx,
	surveyId: number,
	tagId: number,
	answerId: number
): Promise<void> {
	await db
		.deleteFrom('answer_tags')
		.where('answer_id', '=', answerId)
		.where('tag_id', 'in', (eb) =>
			eb
				.selectFrom('comment_tags')
				.select('id')
				.where('id', '=', tagId)
				.where('survey_id', '=', surveyId)
		)
		.execute();
}

export interface Complaint {
	tagId: number;
	name: string;
	count: number;
	previous: number | null;
	change: number | null;
}

/**
 * Tags ranked by how many comments carry them in a wave (default the newest shown wave with
 * comments), with the change since the wave before.
 */
export async function topComplaints(
	db: DbOrTrx,
	surveyId: number,
	opts: { from?: number; to?: number; limit?: number } = {}
): Promise<{ wave: WaveRef | null; previous: WaveRef | null; items: Complaint[] }> {
	const shown = inRange(await waves(db, surveyId), opts);
	const counts = await sql<{ tag_id: number; name: string; wave_id: number | null; n: number }>`
		select ct.id as tag_id, ct.name, r.wave_id, count(*)::int as n
		from comment_tags ct
		join answer_tags at on at.tag_id = ct.id
		join answers a on a.id = at.answer_id
		join responses r on r.id = a.response_id
		where ct.survey_id = ${surveyId}
		group by ct.id, ct.name, r.wave_id`.execute(db);
	const withTags = new Set(counts.rows.map((r) => r.wave_id));
	let cur = -1;
	for (let i = shown.length - 1; i >= 0; i--)
		if (withTags.has(shown[i].id)) {
			cur = i;
			break;
		}
	if (cur < 0) {
		// tags on answers without a wave (public link) still rank
		const items = aggregate(counts.rows, null, undefined);
		return { wave: null, previous: null, items: items.slice(0, opts.limit ?? 10) };
	}
	const wave = shown[cur];
	const previous = cur > 0 ? shown[cur - 1] : null;
	return {
		wave,
		previous,
		items: aggregate(counts.rows, wave.id, previous?.id ?? null).slice(0, opts.limit ?? 10)
	};
}

function aggregate(
	rows: { tag_id: number; name: string; wave_id: number | null; n: number }[],
	waveId: number | null,
	prevId: number | null | undefined
): Complaint[] {
	const map = new Map<number, Complaint>();
	for (const r of rows) {
		const c = map.get(r.tag_id) ?? {
			tagId: r.tag_id,
			name: r.name,
			count: 0,
			previous: prevId === undefined || prevId === null ? null : 0,
			change: null
		};
		if (waveId === null || r.wave_id === waveId) c.count += Number(r.n);
		if (prevId !== undefined && prevId !== null && r.wave_id === prevId)
			c.previous = (c.previous ?? 0) + Number(r.n);
		map.set(r.tag_id, c);
	}
	return [...map.values()]
		.map((c) => ({ ...c, change: c.previous === null ? null : c.count - c.previous }))
		.filter((c) => c.count > 0 || (c.previous ?? 0) > 0)
		.sort(
			(a, b) =>
				b.count - a.count || (b.change ?? 0) - (a.change ?? 0) || a.name.localeCompare(b.name)
		);
}

/** Creates the tag if needed and applies it to the answers (one transaction). */
export async function tagMany(
	db: DbOrTrx,
	surveyId: number,
	name: string,
	answerIds: number[],
	userId: number | null
): Promise<number> {
	const run = async (trx: DbOrTrx) => {
		const tagId = await ensureTag(trx, surveyId, name, userId);
		return apply(trx, surveyId, tagId, answerIds, userId);
	};
	return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The comments page: the list, the tags, the questions with text answers, waves, top complaints. */
export async function commentsView(
	db: DbOrTrx,
	surveyId: number,
	opts: Parameters<typeof list>[2]
) {
	await surveyInfo(db, surveyId);
	const [page, tagList, questions, waveList, complaints] = await Promise.all([
		list(db, surveyId, opts),
		tags(db, surveyId),
		surveyQuestions(db, surveyId),
		waves(db, surveyId),
		topComplaints(db, surveyId)
	]);
	return {
		...page,
		tags: tagList,
		questions: questions
			.filter((q) => q.type === 'short_text' || q.type === 'long_text' || q.settings.other === true)
			.map((q) => ({ lineage: q.lineage, prompt: q.prompt })),
		waves: waveList,
		complaints
	};
}
