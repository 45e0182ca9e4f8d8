import type { DbOrTrx } from '../db';
import { slug, type TopicForm } from '$lib/schemas/authoring';

export { defaultTopics, ensureDefaultTopics } from './defaults';

export class TopicNotFoundError extends Error {
	constructor() {
		super('That topic does not exist.');
	}
}
export class DuplicateTopicError extends Error {
	constructor(key: string) {
		super(`A topic with the key “${key}” already exists: choose another key.`);
	}
}

export interface Topic {
	id: number;
	key: string;
	name: string;
	colour: string;
	description: string;
	target: number | null;
	benchmark: number | null;
	benchmarkSource: string | null;
	benchmarkYear: number | null;
	position: number;
	archivedAt: Date | null;
	isDemo: boolean;
}

type Row = {
	id: number;
	key: string;
	name: string;
	colour: string;
	description: string;
	target: number | null;
	benchmark: number | null;
	benchmark_source: string | null;
	benchmark_year: number | null;
	position: number;
	archived_at: Date | null;
	is_demo: boolean;
};

const toTopic = (r: Row): Topic => ({
	id: r.id,
	key: r.key,
	name: r.name,
	colour: r.colour,
	description: r.description,
	target: r.target === null ? null : Number(r.target),
	benchmark: r.benchmark === null ? null : Number(r.benchmark),
	benchmarkSource: r.benchmark_source,
	benchmarkYear: r.benchmark_year,
	position: r.position,
	archivedAt: r.archived_at,
	isDemo: r.is_demo
});

const COLUMNS = [
	'id',
	'key',
	'name',
	'colour',
	'description',
	'target',
	'benchmark',
	'benchmark_source',
	'benchmark_year',
	'position',
	'archived_at',
	'is_demo'
] as const;

/** Topics in their display order; archived ones only when asked. */
export async function list(db: DbOrTrx, opts: { archived?: boolean } = {}): Promise<Topic[]> {
	const rows = await db
		.selectFrom('topics')
		.select(COLUMNS)
		.$if(!opts.archived, (q) => q.where('archived_at', 'is', null))
		.orderBy('archived_at', (o) => o.nullsFirst())
		.orderBy('position')
		.orderBy('id')
		.execute();
	return rows.map(toTopic);
}

export async function get(db: DbOrTrx, id: number): Promise<Topic> {
	const r = await db.selectFrom('topics').select(COLUMNS).where('id', '=', id).executeTakeFirst();
	if (!r) throw new TopicNotFoundError();
	return toTopic(r);
}

const values = (t: TopicForm) => ({
	name: t.name,
	colour: t.colour.toLowerCase(),
	description: t.description,
	target: t.target,
	benchmark: t.benchmark,
	benchmark_source: t.benchmarkSource || null,
	benchmark_year: t.benchmarkYear
});

/** Adds a topic; its key (used by survey questions) comes from the name unless given. */
export async function add(db: DbOrTrx, t: TopicForm & { key?: string }): Promise<Topic> {
	const key = (t.key?.trim() || slug(t.name)).slice(0, 63);
	const exists = await db
		.selectFrom('topics')
		.select('id')
		.where('key', '=', key)
		.executeTakeFirst();
	if (exists) throw new DuplicateTopicError(key);
	const last = await db
		.selectFrom('topics')
		.select((eb) => eb.fn.max('position').as('p'))
		.executeTakeFirst();
	try {
		const r = await db
			.insertInto('topics')
			.values({ key, ...values(t), position: Number(last?.p ?? 0) + 1 })
			.returning(COLUMNS)
			.executeTakeFirstOrThrow();
		return toTopic(r);
	} catch (e) {
		if ((e as { code?: string }).code === '23505') throw new DuplicateTopicError(key);
		throw e;
	}
}

/** Renames, recolours, describes and sets target and benchmark. The key never changes. */
export async function update(db: DbOrTrx, id: number, t: TopicForm): Promise<Topic> {
	const r = await db
		.updateTable('topics')
		.set({ ...values(t), updated_at: new Date() })
		.where('id', '=', id)
		.returning(COLUMNS)
		.executeTakeFirst();
	if (!r) throw new TopicNotFoundError();
	return toTopic(r);
}

/** Archives (or restores) a topic: questions and results keep it; new questions cannot pick it. */
export async function setArchived(db: DbOrTrx, id: number, archived: boolean): Promise<void> {
	const r = await db
		.updateTable('topics')
		.set({ archived_at: archived ? new Date() : null, updated_at: new Date() })
		.where('id', '=', id)
		.executeTakeFirst();
	if (Number(r.numUpdatedRows) === 0) throw new TopicNotFoundError();
}

/** How many questions (of published versions) use each topic id. */
export async function usage(db: DbOrTrx): Promise<Map<number, number>> {
	const rows = await db
		.selectFrom('questions')
		.select((eb) => ['topic_id', eb.fn.count<number>('lineage').distinct().as('n')])
		.where('topic_id', 'is not', null)
		.groupBy('topic_id')
		.execute();
	return new Map(rows.map((r) => [r.topic_id!, Number(r.n)]));
}
