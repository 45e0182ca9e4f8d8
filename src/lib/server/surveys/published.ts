import type { DbOrTrx } from '../db';
import { json } from '../db/json';
import {
	definitionSchema,
	allQuestions,
	type Definition,
	type Question
} from '$lib/schemas/survey';

export interface PublishedVersion {
	id: number;
	surveyId: number;
	number: number;
	definition: Definition;
	/** questions.id of each question, by lineage */
	questionIds: Map<string, number>;
	/** each question by lineage */
	questions: Map<string, Question>;
}

// Published versions never change (draft → published is one-way, and only drafts are deleted), so
// the parsed definition and question ids are kept in a small in-memory LRU. The key includes
// published_at and the survey id: a reused id (a truncated test database) never hits a stale entry.
const CACHE_SIZE = 64;
const cache = new Map<string, PublishedVersion>();

/** What identifies a version in the cache, and whether it is published. */
export interface VersionMeta {
	id: number;
	survey_id: number;
	number: number;
	published_at: Date | null;
	status: string;
}

/** Loads a published (immutable) version with its question ids; undefined if not published. */
export async function loadPublished(
	db: DbOrTrx,
	versionId: number,
	/** the version's row when the caller read it already (joined into its own query) */
	known?: VersionMeta
): Promise<PublishedVersion | undefined> {
	const meta =
		known ??
		(await db
			.selectFrom('survey_versions')
			.select(['id', 'survey_id', 'number', 'published_at', 'status'])
			.where('id', '=', versionId)
			.executeTakeFirst());
	if (!meta || meta.id !== versionId || meta.status !== 'published') return undefined;
	const key = `${meta.id}:${meta.survey_id}:${meta.number}:${meta.published_at?.getTime() ?? ''}`;
	const hit = cache.get(key);
	if (hit) {
		// most recently used last
		cache.delete(key);
		cache.set(key, hit);
		return hit;
	}
	const version = await db
		.selectFrom('survey_versions')
		.select('definition')
		.where('id', '=', versionId)
		.executeTakeFirstOrThrow();
	const rows = await db
		.selectFrom('questions')
		.select(['id', 'lineage'])
		.where('version_id', '=', versionId)
		.execute();
	// Published definitions were validated at publish time; parse again to apply defaults.
	const definition = definitionSchema.parse(version.definition);
	const loaded: PublishedVersion = {
		id: meta.id,
		surveyId: meta.survey_id,
		number: meta.number,
		definition,
		questionIds: new Map(rows.map((r) => [r.lineage, r.id])),
		questions: new Map(allQuestions(definition).map(({ question }) => [question.id, question]))
	};
	cache.set(key, loaded);
	if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
	return loaded;
}

/** The newest published version of a survey, or undefined when it has none. */
export async function latestPublishedVersionId(
	db: DbOrTrx,
	surveyId: number
): Promise<number | undefined> {
	const row = await db
		.selectFrom('survey_versions')
		.select('id')
		.where('survey_id', '=', surveyId)
		.where('status', '=', 'published')
		.orderBy('number', 'desc')
		.limit(1)
		.executeTakeFirst();
	return row?.id;
}

/**
 * Writes the `questions` rows of a version being published (one per question, with its topic id
 * resolved from the topic key), so results can join in SQL. Call inside the publish transaction.
 */
export async function projectQuestions(
	db: DbOrTrx,
	versionId: number,
	def: Definition
): Promise<void> {
	const list = allQuestions(def);
	if (list.length === 0) return;
	const topics = await db.selectFrom('topics').select(['id', 'key']).execute();
	const topicId = new Map(topics.map((t) => [t.key, t.id]));
	await db
		.insertInto('questions')
		.values(
			list.map(({ question: q, sectionIndex }, position) => {
				const { id, type, prompt, topic, scored, ...settings } = q;
				return {
					version_id: versionId,
					lineage: id,
					section_index: sectionIndex,
					position,
					type,
					prompt,
					topic_id: topic ? (topicId.get(topic) ?? null) : null,
					scored,
					settings: json(settings as Record<string, unknown>)
				};
			})
		)
		.execute();
}
