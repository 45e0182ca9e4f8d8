import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTrx, Trx } from '../db';
import { json } from '../db/json';
import { isUniqueViolation } from './errors';
import {
	allQuestions,
	definitionSchema,
	logicSchema,
	publishProblems,
	questionSchema,
	type Definition,
	type Logic,
	type QuestionType
} from '$lib/schemas/survey';
import { questionField } from '$lib/schemas/authoring';
import * as draft from './draft';
import { diff, type Changelog } from './changelog';
import * as templates from './templates';
import { projectQuestions } from './published';

export { EditError, type Trash } from './draft';
export type { Changelog, ChangeEntry } from './changelog';
export { templates };

export class SurveyNotFoundError extends Error {
	constructor() {
		super('That survey does not exist.');
	}
}
/** The survey has no draft (or is archived), so it cannot be edited right now. */
export class NotEditableError extends Error {}
export class PublishError extends Error {
	constructor(readonly problems: string[]) {
		super(problems[0] ?? 'The survey cannot be published.');
	}
}
export class ImportError extends Error {
	constructor(readonly errors: string[]) {
		super(errors[0] ?? 'The file could not be imported.');
	}
}
/** A question's settings are invalid: one message per editor field. */
export class QuestionInvalidError extends Error {
	constructor(readonly errors: Record<string, string>) {
		super(Object.values(errors)[0] ?? 'The question is not valid.');
	}
}

export type Status = 'draft' | 'active' | 'archived';
export type Kind = 'periodic' | 'transactional';

export interface SurveySummary {
	id: number;
	title: string;
	kind: Kind;
	status: Status;
	isDemo: boolean;
	updatedAt: Date;
	publishedNumber: number | null;
	hasDraft: boolean;
	waves: number;
	responses: number;
}

export interface ListQuery {
	search?: string;
	status?: Status;
	kind?: Kind;
	limit: number;
	offset: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Surveys (not templates) with status, wave and response counts; newest edit first. */
export async function list(
	db: DbOrTrx,
	q: ListQuery
): Promise<{ items: SurveySummary[]; total: number }> {
	const published = (eb: { ref: (c: 's.id') => unknown }) =>
		sql<boolean>`exists (select 1 from survey_versions v where v.survey_id = ${eb.ref('s.id')} and v.status = 'published')`;
	let base = db.selectFrom('surveys as s').where('s.is_template', '=', false);
	if (q.search?.trim()) base = base.where('s.title', 'ilike', `%${escapeLike(q.search.trim())}%`);
	if (q.kind) base = base.where('s.kind', '=', q.kind);
	if (q.status === 'archived') base = base.where('s.archived_at', 'is not', null);
	if (q.status === 'active')
		base = base.where('s.archived_at', 'is', null).where((eb) => published(eb));
	if (q.status === 'draft')
		base = base.where('s.archived_at', 'is', null).where((eb) => eb.not(published(eb)));
	const [rows, count] = await Promise.all([
		base
			.select((eb) => [
				's.id',
				's.title',
				's.kind',
				's.is_demo',
				's.updated_at',
				's.archived_at',
				eb
					.selectFrom('survey_versions as v')
					.whereRef('v.survey_id', '=', 's.id')
					.where('v.status', '=', 'published')
					.select((e) => e.fn.max('v.number').as('n'))
					.as('published_number'),
				eb
					.selectFrom('survey_versions as v')
					.whereRef('v.survey_id', '=', 's.id')
					.where('v.status', '=', 'draft')
					.select('v.number')
					.as('draft_number'),
				eb
					.selectFrom('waves as w')
					.whereRef('w.survey_id', '=', 's.id')
					.select((e) => e.fn.countAll<number>().as('c'))
					.as('waves'),
				eb
					.selectFrom('responses as r')
					.whereRef('r.survey_id', '=', 's.id')
					.where('r.status', '=', 'complete')
					.select((e) => e.fn.countAll<number>().as('c'))
					.as('responses')
			])
			.orderBy('s.updated_at', 'desc')
			.orderBy('s.id', 'desc')
			.limit(q.limit)
			.offset(q.offset)
			.execute(),
		base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		total: Number(count.n),
		items: rows.map((r) => ({
			id: r.id,
			title: r.title,
			kind: r.kind,
			isDemo: r.is_demo,
			updatedAt: r.updated_at,
			publishedNumber: r.published_number ?? null,
			hasDraft: r.draft_number !== null && r.draft_number !== undefined,
			status: r.archived_at ? 'archived' : r.published_number ? 'active' : 'draft',
			waves: Number(r.waves ?? 0),
			responses: Number(r.responses ?? 0)
		}))
	};
}

export interface VersionRef {
	id: number;
	number: number;
	definition: Definition;
	updatedAt: Date;
	publishedAt: Date | null;
}

export interface SurveyDetail {
	id: number;
	title: string;
	description: string;
	kind: Kind;
	language: string;
	isTemplate: boolean;
	isDemo: boolean;
	publicEnabled: boolean;
	followUpRule: Logic | null;
	createdAt: Date;
	updatedAt: Date;
	archivedAt: Date | null;
	status: Status;
	draft: (VersionRef & { trash: draft.Trash | null }) | null;
	published: VersionRef | null;
	/** the definition to show: the draft when there is one, else the latest published */
	current: Definition;
}

/** One survey with its draft and latest published version; throws SurveyNotFoundError. */
export async function get(db: DbOrTrx, id: number): Promise<SurveyDetail> {
	const s = await db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
	if (!s) throw new SurveyNotFoundError();
	const versions = await db
		.selectFrom('survey_versions')
		.select(['id', 'number', 'status', 'definition', 'updated_at', 'published_at', 'trash'])
		.where('survey_id', '=', id)
		.where((eb) =>
			eb.or([
				eb('status', '=', 'draft'),
				eb(
					'number',
					'=',
					eb
						.selectFrom('survey_versions')
						.select((e) => e.fn.max('number').as('n'))
						.where('survey_id', '=', id)
						.where('status', '=', 'published')
				)
			])
		)
		.execute();
	const ref = (v: (typeof versions)[number]): VersionRef => ({
		id: v.id,
		number: v.number,
		definition: definitionSchema.parse(v.definition),
		updatedAt: v.updated_at,
		publishedAt: v.published_at
	});
	const d = versions.find((v) => v.status === 'draft');
	const p = versions.find((v) => v.status === 'published');
	const draftRef = d ? { ...ref(d), trash: (d.trash as draft.Trash | null) ?? null } : null;
	const publishedRef = p ? ref(p) : null;
	const rule = logicSchema.safeParse(s.follow_up_rule);
	return {
		id: s.id,
		title: s.title,
		description: s.description,
		kind: s.kind,
		language: s.language,
		isTemplate: s.is_template,
		isDemo: s.is_demo,
		publicEnabled: s.public_enabled,
		followUpRule: s.follow_up_rule && rule.success ? rule.data : null,
		createdAt: s.created_at,
		updatedAt: s.updated_at,
		archivedAt: s.archived_at,
		status: s.archived_at ? 'archived' : publishedRef ? 'active' : 'draft',
		draft: draftRef,
		published: publishedRef,
		current: (draftRef ?? publishedRef)?.definition ?? emptyDefinition(s.title)
	};
}

function emptyDefinition(title: string): Definition {
	return definitionSchema.parse({
		title,
		sections: [{ id: randomUUID(), title: '', questions: [] }]
	});
}

export interface CreateInput {
	userId: number | null;
	definition: Definition;
	kind?: Kind;
	description?: string;
	followUpRule?: Logic | null;
	isTemplate?: boolean;
	templateKey?: string | null;
	isDemo?: boolean;
}

/** Inserts a survey with its first draft; returns the survey id. */
export async function create(db: DbOrTrx, input: CreateInput): Promise<number> {
	const write = async (trx: DbOrTrx) => {
		const survey = await trx
			.insertInto('surveys')
			.values({
				title: input.definition.title,
				description: input.description ?? '',
				kind: input.kind ?? 'periodic',
				language: input.definition.language,
				is_template: input.isTemplate ?? false,
				template_key: input.templateKey ?? null,
				follow_up_rule: input.followUpRule ? json(input.followUpRule) : null,
				created_by: input.userId,
				is_demo: input.isDemo ?? false
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await trx
			.insertInto('survey_versions')
			.values({
				survey_id: survey.id,
				number: 1,
				status: 'draft',
				definition: json(input.definition)
			})
			.execute();
		return survey.id;
	};
	return 'isTransaction' in db && db.isTransaction
		? write(db)
		: (db as Db).transaction().execute(write);
}

/** A new survey with one empty page. */
export function createBlank(
	db: Db,
	input: { userId: number | null; title: string; kind: Kind }
): Promise<number> {
	const definition = definitionSchema.parse({
		title: input.title,
		sections: [{ id: randomUUID(), title: '', questions: [] }]
	});
	return create(db, { userId: input.userId, definition, kind: input.kind });
}

/**
 * A new survey from a template: `builtin:<key>` or `saved:<surveyId>`. Pages and questions get
 * fresh ids, so the new survey's questions start their own lineages.
 */
export async function createFromTemplate(
	db: Db,
	input: { userId: number | null; template: string; title?: string; isDemo?: boolean }
): Promise<number> {
	const source = await templateSource(db, input.template);
	const definition = draft.withFreshIds(source.definition);
	if (input.title?.trim()) definition.title = input.title.trim();
	return create(db, {
		userId: input.userId,
		definition,
		kind: source.kind,
		description: source.description,
		followUpRule: draft.relinkLogic(source.followUpRule, source.definition, definition),
		isDemo: input.isDemo
	});
}

async function templateSource(db: DbOrTrx, ref: string): Promise<templates.Template> {
	const [type, key] = ref.split(':');
	if (type === 'builtin') {
		const t = templates.byKey(key);
		if (t) return t;
	} else if (type === 'saved' && /^\d+$/.test(key)) {
		const s = await get(db, Number(key)).catch(() => null);
		if (s?.isTemplate && !s.archivedAt)
			return {
				key: ref,
				name: s.title,
				description: s.description,
				kind: s.kind,
				followUpRule: s.followUpRule,
				definition: s.current
			};
	}
	throw new SurveyNotFoundError();
}

export interface TemplateSummary {
	ref: string;
	name: string;
	description: string;
	kind: Kind;
	questions: number;
	builtIn: boolean;
}

/** The built-in templates and the ones editors saved. */
export async function listTemplates(db: DbOrTrx): Promise<TemplateSummary[]> {
	const saved = await db
		.selectFrom('surveys as s')
		.innerJoin('survey_versions as v', 'v.survey_id', 's.id')
		.select(['s.id', 's.title', 's.description', 's.kind', 'v.definition'])
		.where('s.is_template', '=', true)
		.where('s.archived_at', 'is', null)
		.where('v.status', '=', 'draft')
		.orderBy('s.title')
		.execute();
	return [
		...templates.builtIn().map((t) => ({
			ref: `builtin:${t.key}`,
			name: t.name,
			description: t.description,
			kind: t.kind,
			questions: allQuestions(t.definition).length,
			builtIn: true
		})),
		...saved.map((s) => ({
			ref: `saved:${s.id}`,
			name: s.title,
			description: s.description,
			kind: s.kind,
			questions: allQuestions(definitionSchema.parse(s.definition)).length,
			builtIn: false
		}))
	];
}

/** Saves a copy of a survey's current definition as a template. */
export async function saveAsTemplate(
	db: Db,
	surveyId: number,
	input: { userId: number | null; name: string }
): Promise<number> {
	const s = await get(db, surveyId);
	const definition = { ...structuredClone(s.current), title: input.name };
	return create(db, {
		userId: input.userId,
		definition,
		kind: s.kind,
		description: s.description,
		followUpRule: s.followUpRule,
		isTemplate: true
	});
}

/** Removes a saved template from the list (archives it; built-ins cannot be removed). */
export async function removeTemplate(db: DbOrTrx, templateId: number): Promise<void> {
	await db
		.updateTable('surveys')
		.set({ archived_at: new Date() })
		.where('id', '=', templateId)
		.where('is_template', '=', true)
		.execute();
}

// ---- editing the draft -------------------------------------------------------------------------

async function lockDraft(trx: Trx, surveyId: number) {
	const s = await trx
		.selectFrom('surveys')
		.select(['id', 'archived_at'])
		.where('id', '=', surveyId)
		.forUpdate()
		.executeTakeFirst();
	if (!s) throw new SurveyNotFoundError();
	if (s.archived_at) throw new NotEditableError('This survey is archived: restore it to edit.');
	const d = await trx
		.selectFrom('survey_versions')
		.select(['id', 'definition', 'trash'])
		.where('survey_id', '=', surveyId)
		.where('status', '=', 'draft')
		.executeTakeFirst();
	if (!d)
		throw new NotEditableError(
			'This version is published and cannot change: choose “Edit as new version” first.'
		);
	return {
		id: d.id,
		def: definitionSchema.parse(d.definition),
		trash: d.trash as draft.Trash | null
	};
}

/**
 * Applies an edit to the survey's draft in a transaction: the result must keep every structural
 * rule (draft.validate) or nothing is stored. `trash` replaces the undo slot when given.
 */
export async function editDraft<T = void>(
	db: Db,
	surveyId: number,
	fn: (
		def: Definition,
		trash: draft.Trash | null
	) => { def: Definition; trash?: draft.Trash | null; result?: T }
): Promise<T | undefined> {
	return db.transaction().execute(async (trx) => {
		const current = await lockDraft(trx, surveyId);
		const out = fn(current.def, current.trash);
		const def = draft.validate(out.def);
		await trx
			.updateTable('survey_versions')
			.set({
				definition: json(def),
				updated_at: new Date(),
				...(out.trash !== undefined ? { trash: out.trash ? json(out.trash) : null } : {})
			})
			.where('id', '=', current.id)
			.execute();
		await trx
			.updateTable('surveys')
			.set({ title: def.title, language: def.language, updated_at: new Date() })
			.where('id', '=', surveyId)
			.execute();
		return out.result;
	});
}

/** Saves the survey's title, language, introduction, thank-you text and call to action. */
export function saveSettings(
	db: Db,
	surveyId: number,
	s: {
		title: string;
		language: string;
		intro: string;
		thankYou: string;
		cta: { label: string; url: string } | null;
	}
): Promise<void> {
	return editDraft(db, surveyId, (def) => ({ def: { ...def, ...s } })).then(() => {});
}

/** Saves the unversioned survey options: description, kind, public link, follow-up rule. */
export async function saveOptions(
	db: Db,
	surveyId: number,
	o: { description: string; kind: Kind; publicEnabled: boolean; followUpRule: Logic | null }
): Promise<void> {
	const s = await get(db, surveyId);
	if (o.followUpRule) {
		const ids = new Set(allQuestions(s.current).map((x) => x.question.id));
		if (o.followUpRule.conditions.some((c) => !ids.has(c.question)))
			throw new draft.EditError(
				'The follow-up rule refers to a question that does not exist.',
				'followUp'
			);
	}
	await db
		.updateTable('surveys')
		.set({
			description: o.description,
			kind: o.kind,
			public_enabled: o.publicEnabled,
			follow_up_rule: o.followUpRule ? json(o.followUpRule) : null,
			updated_at: new Date()
		})
		.where('id', '=', surveyId)
		.execute();
}

/** Adds a question of a type to a page; returns its id. */
export async function addQuestion(
	db: Db,
	surveyId: number,
	sectionId: string,
	type: QuestionType
): Promise<string> {
	return (await editDraft(db, surveyId, (def) => {
		const r = draft.addQuestion(def, sectionId, type);
		return { def: r.def, result: r.id };
	}))!;
}

/**
 * Saves one question from the editor. Field-level problems (and structural ones that concern this
 * question, like duplicate option values or logic pointing nowhere) throw QuestionInvalidError.
 */
export async function saveQuestion(db: Db, surveyId: number, candidate: unknown): Promise<void> {
	const parsed = questionSchema.safeParse(candidate);
	if (!parsed.success) {
		const errors: Record<string, string> = {};
		for (const i of parsed.error.issues) errors[questionField(i.path)] ??= i.message;
		throw new QuestionInvalidError(errors);
	}
	const q = parsed.data;
	if (q.topic) {
		const topic = await db
			.selectFrom('topics')
			.select('archived_at')
			.where('key', '=', q.topic)
			.executeTakeFirst();
		if (!topic) throw new QuestionInvalidError({ topic: 'Choose one of the topics.' });
	}
	await editDraft(db, surveyId, (def) => {
		const next = draft.replaceQuestion(def, q);
		const check = definitionSchema.safeParse(next);
		if (!check.success) {
			const errors: Record<string, string> = {};
			for (const issue of check.error.issues) {
				const [, s, , i, ...rest] = issue.path;
				const at =
					typeof s === 'number' && typeof i === 'number'
						? next.sections[s]?.questions[i]?.id
						: undefined;
				if (at === q.id) errors[questionField(rest)] ??= issue.message;
			}
			if (!Object.keys(errors).length)
				errors._ = draft.describeIssues(next, check.error.issues)[0] ?? 'Not valid.';
			throw new QuestionInvalidError(errors);
		}
		return { def: next };
	});
}

export const changeType = (db: Db, surveyId: number, id: string, type: QuestionType) =>
	editDraft(db, surveyId, (def) => ({ def: draft.changeType(def, id, type) }));

export const duplicateQuestion = async (db: Db, surveyId: number, id: string) =>
	(await editDraft(db, surveyId, (def) => {
		const r = draft.duplicateQuestion(def, id);
		return { def: r.def, result: r.id };
	}))!;

export const deleteQuestion = (db: Db, surveyId: number, id: string) =>
	editDraft(db, surveyId, (def) => draft.deleteQuestion(def, id));

export const moveQuestion = (db: Db, surveyId: number, id: string, dir: 'up' | 'down') =>
	editDraft(db, surveyId, (def) => ({ def: draft.moveQuestion(def, id, dir) }));

/** Drag and drop: places a question before another, or at the end of a page. */
export const placeQuestion = (
	db: Db,
	surveyId: number,
	id: string,
	sectionId: string,
	before: string | null
) => editDraft(db, surveyId, (def) => ({ def: draft.placeQuestion(def, id, sectionId, before) }));

/** "This is a new question": a new lineage id, so results stop joining it with earlier versions. */
export const markNewQuestion = async (db: Db, surveyId: number, id: string) =>
	(await editDraft(db, surveyId, (def) => {
		const r = draft.markNew(def, id);
		return { def: r.def, result: r.id };
	}))!;

export const addSection = async (db: Db, surveyId: number) =>
	(await editDraft(db, surveyId, (def) => {
		const r = draft.addSection(def);
		return { def: r.def, result: r.id };
	}))!;

export const saveSection = (
	db: Db,
	surveyId: number,
	id: string,
	patch: { title: string; description: string; logic: Logic | null }
) => editDraft(db, surveyId, (def) => ({ def: draft.updateSection(def, id, patch) }));

export const moveSection = (db: Db, surveyId: number, id: string, dir: 'up' | 'down') =>
	editDraft(db, surveyId, (def) => ({ def: draft.moveSection(def, id, dir) }));

export const deleteSection = (db: Db, surveyId: number, id: string) =>
	editDraft(db, surveyId, (def) => draft.deleteSection(def, id));

/** Puts back the last deleted question or page. */
export const undoDelete = (db: Db, surveyId: number) =>
	editDraft(db, surveyId, (def, trash) => {
		if (!trash) throw new draft.EditError('There is nothing to undo.');
		return { def: draft.restore(def, trash), trash: null };
	});

// ---- versions ------------------------------------------------------------------------------------

/**
 * Publishes the draft as an immutable version: validates it (publishProblems), freezes it, writes
 * its `questions` rows and the changelog against the previous published version.
 */
export async function publish(
	db: Db,
	surveyId: number,
	userId: number | null
): Promise<{ versionId: number; number: number; changelog: Changelog }> {
	return db.transaction().execute(async (trx) => {
		const current = await lockDraft(trx, surveyId);
		const s = await trx
			.selectFrom('surveys')
			.select(['follow_up_rule', 'is_template'])
			.where('id', '=', surveyId)
			.executeTakeFirstOrThrow();
		if (s.is_template)
			throw new PublishError(['A template is not published: create a survey from it instead.']);
		const problems = publishProblems(current.def);
		const rule = logicSchema.safeParse(s.follow_up_rule);
		if (s.follow_up_rule && rule.success) {
			const ids = new Set(allQuestions(current.def).map((x) => x.question.id));
			if (rule.data.conditions.some((c) => !ids.has(c.question)))
				problems.push(
					'The follow-up rule refers to a question that no longer exists: change it in Options.'
				);
		}
		if (problems.length) throw new PublishError(problems);
		const previous = await trx
			.selectFrom('survey_versions')
			.select(['number', 'definition'])
			.where('survey_id', '=', surveyId)
			.where('status', '=', 'published')
			.orderBy('number', 'desc')
			.limit(1)
			.executeTakeFirst();
		const changelog = diff(
			previous ? definitionSchema.parse(previous.definition) : null,
			current.def,
			previous?.number ?? null
		);
		const now = new Date();
		const v = await trx
			.updateTable('survey_versions')
			.set({
				status: 'published',
				published_at: now,
				published_by: userId,
				updated_at: now,
				changelog: json(changelog),
				trash: null
			})
			.where('id', '=', current.id)
			.returning(['id', 'number'])
			.executeTakeFirstOrThrow();
		await projectQuestions(trx, v.id, current.def);
		await trx
			.updateTable('surveys')
			.set({ title: current.def.title, language: current.def.language, updated_at: now })
			.where('id', '=', surveyId)
			.execute();
		await trx
			.insertInto('audit_log')
			.values({
				user_id: userId,
				action: 'survey.publish',
				entity: 'survey',
				entity_id: String(surveyId),
				details: json({ version: v.number })
			})
			.execute();
		return { versionId: v.id, number: v.number, changelog };
	});
}

/**
 * Opens a new draft from the latest published version (same lineage ids, so results keep joining).
 * Returns the existing draft when there already is one.
 */
export async function newDraft(
	db: Db,
	surveyId: number
): Promise<{ versionId: number; number: number }> {
	try {
		return await db.transaction().execute(async (trx) => {
			const s = await trx
				.selectFrom('surveys')
				.select(['id', 'archived_at'])
				.where('id', '=', surveyId)
				.forUpdate()
				.executeTakeFirst();
			if (!s) throw new SurveyNotFoundError();
			if (s.archived_at) throw new NotEditableError('This survey is archived: restore it to edit.');
			const existing = await trx
				.selectFrom('survey_versions')
				.select(['id', 'number'])
				.where('survey_id', '=', surveyId)
				.where('status', '=', 'draft')
				.executeTakeFirst();
			if (existing) return { versionId: existing.id, number: existing.number };
			const latest = await trx
				.selectFrom('survey_versions')
				.select(['number', 'definition'])
				.where('survey_id', '=', surveyId)
				.orderBy('number', 'desc')
				.limit(1)
				.executeTakeFirstOrThrow();
			const v = await trx
				.insertInto('survey_versions')
				.values({
					survey_id: surveyId,
					number: latest.number + 1,
					status: 'draft',
					definition: json(latest.definition)
				})
				.returning(['id', 'number'])
				.executeTakeFirstOrThrow();
			await trx
				.updateTable('surveys')
				.set({ updated_at: new Date() })
				.where('id', '=', surveyId)
				.execute();
			return { versionId: v.id, number: v.number };
		});
	} catch (e) {
		// two editors clicked at once: the other transaction opened the draft
		if (isUniqueViolation(e)) return newDraft(db, surveyId);
		throw e;
	}
}

/** Throws away an unpublished draft of a survey that has a published version. */
export async function discardDraft(db: Db, surveyId: number): Promise<void> {
	const s = await get(db, surveyId);
	if (!s.published)
		throw new NotEditableError('The first draft cannot be discarded: archive the survey instead.');
	await db
		.deleteFrom('survey_versions')
		.where('survey_id', '=', surveyId)
		.where('status', '=', 'draft')
		.execute();
}

/** Archives a survey: hidden from new schedules, every version, wave and answer kept. */
export async function archive(db: Db, surveyId: number, userId: number | null): Promise<void> {
	const r = await db
		.updateTable('surveys')
		.set({ archived_at: new Date(), updated_at: new Date() })
		.where('id', '=', surveyId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (Number(r.numUpdatedRows) === 0) await get(db, surveyId);
	await db
		.insertInto('audit_log')
		.values({
			user_id: userId,
			action: 'survey.archive',
			entity: 'survey',
			entity_id: String(surveyId)
		})
		.execute();
}

export async function unarchive(db: Db, surveyId: number): Promise<void> {
	await get(db, surveyId);
	await db
		.updateTable('surveys')
		.set({ archived_at: null, updated_at: new Date() })
		.where('id', '=', surveyId)
		.execute();
}

export interface VersionInfo {
	id: number;
	number: number;
	status: 'draft' | 'published';
	createdAt: Date;
	publishedAt: Date | null;
	questions: number;
	changelog: Changelog | null;
	waves: number;
	responses: number;
}

/** Every version of a survey, newest first, with its changelog and usage. */
export async function versions(db: DbOrTrx, surveyId: number): Promise<VersionInfo[]> {
	const rows = await db
		.selectFrom('survey_versions as v')
		.select((eb) => [
			'v.id',
			'v.number',
			'v.status',
			'v.created_at',
			'v.published_at',
			'v.changelog',
			'v.definition',
			eb
				.selectFrom('waves as w')
				.whereRef('w.version_id', '=', 'v.id')
				.select((e) => e.fn.countAll<number>().as('c'))
				.as('waves'),
			eb
				.selectFrom('responses as r')
				.whereRef('r.version_id', '=', 'v.id')
				.where('r.status', '=', 'complete')
				.select((e) => e.fn.countAll<number>().as('c'))
				.as('responses')
		])
		.where('v.survey_id', '=', surveyId)
		.orderBy('v.number', 'desc')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		number: r.number,
		status: r.status,
		createdAt: r.created_at,
		publishedAt: r.published_at,
		questions: allQuestions(r.definition as Definition).length,
		changelog: (r.changelog as Changelog | null) ?? null,
		waves: Number(r.waves ?? 0),
		responses: Number(r.responses ?? 0)
	}));
}

/** The changelog between any published version and the one before it (as stored at publish). */
export async function changelog(
	db: DbOrTrx,
	surveyId: number,
	number: number
): Promise<Changelog | null> {
	const r = await db
		.selectFrom('survey_versions')
		.select('changelog')
		.where('survey_id', '=', surveyId)
		.where('number', '=', number)
		.executeTakeFirst();
	return (r?.changelog as Changelog | null) ?? null;
}

/** A version's definition by number (for viewing old versions); undefined when unknown. */
export async function versionDefinition(
	db: DbOrTrx,
	surveyId: number,
	number: number
): Promise<Definition | undefined> {
	const r = await db
		.selectFrom('survey_versions')
		.select('definition')
		.where('survey_id', '=', surveyId)
		.where('number', '=', number)
		.executeTakeFirst();
	return r ? definitionSchema.parse(r.definition) : undefined;
}

// ---- import / export ----------------------------------------------------------------------------

export const EXPORT_FORMAT = 'soundings.survey';

/** The survey as a JSON document that import reads back. */
export async function exportJson(db: DbOrTrx, surveyId: number): Promise<Record<string, unknown>> {
	const s = await get(db, surveyId);
	return {
		format: EXPORT_FORMAT,
		formatVersion: 1,
		exportedAt: new Date().toISOString(),
		survey: {
			kind: s.kind,
			description: s.description,
			followUpRule: s.followUpRule
		},
		definition: s.current
	};
}

/**
 * Checks an export (or a bare definition) for import; returns it or throws ImportError with one
 * line per problem.
 */
export function parseImport(text: string): {
	definition: Definition;
	kind: Kind;
	description: string;
	followUpRule: Logic | null;
} {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new ImportError([`The file is not valid JSON: ${(e as Error).message}`]);
	}
	if (!data || typeof data !== 'object' || Array.isArray(data))
		throw new ImportError(['The file must hold a JSON object: a Soundings survey export.']);
	const obj = data as Record<string, unknown>;
	const rawDef = 'definition' in obj ? obj.definition : obj;
	const meta = (obj.survey ?? {}) as Record<string, unknown>;
	const parsed = definitionSchema.safeParse(rawDef);
	if (!parsed.success) throw new ImportError(draft.describeIssues(rawDef, parsed.error.issues));
	const errors: string[] = [];
	const kind = meta.kind === 'transactional' ? 'transactional' : 'periodic';
	if (meta.kind !== undefined && meta.kind !== 'periodic' && meta.kind !== 'transactional')
		errors.push('survey.kind: use "periodic" or "transactional".');
	let followUpRule: Logic | null = null;
	if (meta.followUpRule) {
		const r = logicSchema.safeParse(meta.followUpRule);
		if (!r.success) errors.push(`survey.followUpRule: ${r.error.issues[0].message}`);
		else {
			const ids = new Set(allQuestions(parsed.data).map((x) => x.question.id));
			if (r.data.conditions.some((c) => !ids.has(c.question)))
				errors.push('survey.followUpRule: refers to a question that is not in the survey.');
			followUpRule = r.data;
		}
	}
	if (errors.length) throw new ImportError(errors);
	return {
		definition: parsed.data,
		kind,
		description: typeof meta.description === 'string' ? meta.description.slice(0, 5000) : '',
		followUpRule
	};
}

/** Imports a survey from JSON as a new draft survey (fresh ids); throws ImportError. */
export async function importJson(db: Db, text: string, userId: number | null): Promise<number> {
	const p = parseImport(text);
	const definition = draft.withFreshIds(p.definition);
	return create(db, {
		userId,
		definition,
		kind: p.kind,
		description: p.description,
		followUpRule: draft.relinkLogic(p.followUpRule, p.definition, definition)
	});
}

/** What the open draft changes against the latest published version (null without both). */
export async function pendingChanges(db: DbOrTrx, surveyId: number): Promise<Changelog | null> {
	const s = await get(db, surveyId);
	if (!s.draft || !s.published) return null;
	return diff(s.published.definition, s.draft.definition, s.published.number);
}
