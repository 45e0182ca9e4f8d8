import { sql } from 'kysely';
import type { Db, Trx } from '../db';
import { json } from '../db/json';
import * as ratelimit from '../ratelimit';
import * as assignment from '../assignment';
import * as results from '../results';
import type { PublishedVersion } from '../surveys/published';
import { PUBLIC_START_LIMIT, type Target } from './access';
import { fromRows, toRows } from './rows';
import { LIMITS, validateAnswers, type PageErrors } from '$lib/schemas/responses';
import { allQuestions, type Question } from '$lib/schemas/survey';
import type { Insertable } from 'kysely';
import type { AnswersTable } from '../db/schema';
import type { Answers } from '$lib/survey/answers';
import { readPage } from '$lib/survey/form';
import { visibleAnswers, visibleQuestions } from '$lib/survey/logic';
import { nextSection, previousSection, visibleSections } from '$lib/survey/navigation';

type TamperedCode = 'formTooLarge' | 'valueTooLarge' | 'noSuchPage' | 'notOnPage';
const TAMPERED: Record<TamperedCode, string> = {
	formTooLarge: 'The form is too large.',
	valueTooLarge: 'The form contains a value that is too large.',
	noSuchPage: 'This page does not exist in the survey.',
	notOnPage: 'The form contains answers to questions that are not on this page.'
};

/**
 * A post that no honest form produces (unknown fields, huge values): answered with a 400.
 * `code` names the message in the respondent's catalogue ($lib/i18n/respondent).
 */
export class TamperedFormError extends Error {
	constructor(readonly code: TamperedCode) {
		super(TAMPERED[code]);
	}
}
/** Too many new anonymous responses from one IP. */
export class RateLimitedError extends Error {}

/** Starts (or finds) the response of a target; idempotent under concurrency. */
export async function start(
	db: Db,
	target: Target,
	opts: { now: Date; ip: string }
): Promise<number> {
	if (target.invitationId === null && !target.browserKey)
		throw new Error('The response could not be started.');
	if (target.anonymous) {
		// only a new anonymous response counts against the IP's limit
		const existing = await findId(db, target);
		if (existing !== undefined) return existing;
		const r = await ratelimit.hit(db, `respond:public:${opts.ip}`, PUBLIC_START_LIMIT, opts.now);
		if (!r.allowed) throw new RateLimitedError('Too many responses from this network.');
	}
	const values = {
		survey_id: target.surveyId,
		version_id: target.versionId,
		wave_id: target.waveId,
		invitation_id: target.invitationId,
		customer_id: target.customerId,
		anonymous: target.anonymous,
		browser_key: target.browserKey,
		started_at: opts.now,
		updated_at: opts.now
	};
	const inserted = await db
		.insertInto('responses')
		.values(values)
		.onConflict((oc) =>
			target.invitationId !== null
				? oc.column('invitation_id').doNothing()
				: oc.columns(['survey_id', 'browser_key']).where('browser_key', 'is not', null).doNothing()
		)
		.returning('id')
		.executeTakeFirst();
	if (!inserted) {
		// started already (or concurrently): the existing response
		const id = await findId(db, target);
		if (id === undefined) throw new Error('The response could not be started.');
		return id;
	}
	if (target.invitationId !== null)
		await db
			.updateTable('invitations')
			.set({ started_at: opts.now })
			.where('id', '=', target.invitationId)
			.where('started_at', 'is', null)
			.execute();
	return inserted.id;
}

async function findId(db: Db, target: Target): Promise<number | undefined> {
	let q = db.selectFrom('responses').select('id');
	if (target.invitationId !== null) q = q.where('invitation_id', '=', target.invitationId);
	else if (target.browserKey)
		q = q.where('survey_id', '=', target.surveyId).where('browser_key', '=', target.browserKey);
	else return undefined;
	return (await q.executeTakeFirst())?.id;
}

/** Saved answers of a response. */
export async function loadAnswers(
	db: Db | Trx,
	version: PublishedVersion,
	responseId: number
): Promise<{ answers: Answers; others: Record<string, string> }> {
	const rows = await db
		.selectFrom('answers')
		.select(['lineage', 'item', 'value', 'text'])
		.where('response_id', '=', responseId)
		.orderBy('id')
		.execute();
	return fromRows(version, rows);
}

export type Intent = 'next' | 'back';

export type SaveResult =
	/** saved; show this page next */
	| { kind: 'saved'; section: number; appeared: boolean }
	/** the response is complete (now or before): show the thank-you page */
	| { kind: 'complete'; first: boolean }
	/** nothing saved: messages per question id; show the given page again */
	| { kind: 'invalid'; section: number; errors: PageErrors };

/** Checks the size and shape of a posted page before any work; throws TamperedFormError. */
export function readPosted(
	version: PublishedVersion,
	sectionIndex: number,
	entries: [string, FormDataEntryValue][]
) {
	if (entries.length > LIMITS.entries) throw new TamperedFormError('formTooLarge');
	for (const [k, v] of entries) {
		if (k.length > 200 || typeof v !== 'string' || v.length > LIMITS.valueChars)
			throw new TamperedFormError('valueTooLarge');
	}
	const section = version.definition.sections[sectionIndex];
	if (!section) throw new TamperedFormError('noSuchPage');
	const read = readPage(section.questions, entries as [string, string][]);
	if (read.unknown.length) throw new TamperedFormError('notOnPage');
	return { section, read };
}

/**
 * Saves one posted page (replacing its answers in one transaction, answers to hidden questions
 * dropped), then moves to the next or previous page; on the last page 'next' submits. The final
 * submit is idempotent: the response row is locked and completed with a conditional update, so
 * any number of concurrent submits complete it once and all see the thank-you page.
 * `shown` lists the question ids the respondent saw; questions that appear only now (logic
 * evaluated on the server without JavaScript) keep the respondent on the page.
 */
export async function savePage(db: Db, input: SaveInput): Promise<SaveResult> {
	const { version, now } = input;
	const { section, read } = input.posted ?? readPosted(version, input.sectionIndex, input.entries);
	if (input.responseId === null) {
		const first = await firstPost(db, input, section, read);
		if (first) return first;
		// a concurrent first post started the response: go on with it, like a second post
	}
	return db.transaction().execute(async (trx) => {
		const resp = await trx
			.selectFrom('responses')
			.select(['id', 'status'])
			.where((eb) =>
				input.responseId === null
					? eb('invitation_id', '=', input.target.invitationId)
					: eb('id', '=', input.responseId)
			)
			.forUpdate()
			.executeTakeFirstOrThrow();
		if (resp.status === 'complete') return { kind: 'complete', first: false } as const;
		const saved = await loadAnswers(trx, version, resp.id);
		const p = plan(input, section, read, saved);
		if (p.kind === 'invalid') return p;
		await trx.deleteFrom('answers').where('response_id', '=', resp.id).execute();
		const rows = toRows(version, resp.id, p.kept, p.others);
		if (rows.length) await trx.insertInto('answers').values(rows).execute();
		if (p.target !== 'submit' || p.problem) {
			await trx
				.updateTable('responses')
				.set({ current_section: p.section, updated_at: now })
				.where('id', '=', resp.id)
				.execute();
			return p.problem
				? { kind: 'invalid', section: p.problem.section, errors: p.problem.errors }
				: { kind: 'saved', section: p.section, appeared: p.appeared };
		}
		// completed once (a conditional update), and its invitation with it, in one round trip
		const done = await sql<{ id: number }>`
			with done as (
				update responses set status = 'complete', completed_at = ${now}::timestamptz,
					updated_at = ${now}::timestamptz, current_section = ${p.section}::int
				where id = ${resp.id}::int and status = 'partial'
				returning id
			), inv as (
				update invitations set completed_at = ${now}::timestamptz,
					started_at = coalesce(started_at, ${now}::timestamptz),
					opened_at = coalesce(opened_at, ${now}::timestamptz)
				where id = ${input.target.invitationId}::int and exists (select 1 from done)
				returning id
			)
			select id from done`.execute(trx);
		if (done.rows.length !== 1) return { kind: 'complete', first: false } as const;
		await results.onResponseCompleted(trx, resp.id, known(input, rows));
		return { kind: 'complete', first: true } as const;
	});
}

type Posted = ReturnType<typeof readPosted>;

interface SaveInput {
	version: PublishedVersion;
	target: Target;
	/** null: no response yet (an invitation's first post): it is started in the same transaction */
	responseId: number | null;
	sectionIndex: number;
	entries: [string, FormDataEntryValue][];
	/** readPosted of the entries, when the caller has it */
	posted?: Posted;
	shown: string[] | null;
	intent: Intent;
	now: Date;
}

type Plan =
	| { kind: 'invalid'; section: number; errors: PageErrors }
	| {
			kind: 'ready';
			kept: Answers;
			others: Record<string, string>;
			/** the page to show next, or submit */
			target: number | 'submit';
			/** the page the response is at after this post */
			section: number;
			appeared: boolean;
			/** on submit: the first page with a missing required answer */
			problem: { section: number; errors: PageErrors } | null;
	  };

/**
 * What a posted page does to the saved answers, decided before anything is written: the page's
 * answers validated (hidden questions dropped), the answers to keep, and where to go next.
 */
function plan(
	input: SaveInput,
	section: Posted['section'],
	read: Posted['read'],
	saved: { answers: Answers; others: Record<string, string> }
): Plan {
	const { sectionIndex, intent } = input;
	const def = input.version.definition;
	const pageIds = new Set(section.questions.map((q) => q.id));
	const merged: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(saved.answers)) if (!pageIds.has(k)) merged[k] = v;
	Object.assign(merged, read.answers);
	const shownNow = visibleQuestions(def, merged as Answers);
	const pageVisible = section.questions.filter((q) => shownNow.has(q.id));
	const pick = <T>(o: Record<string, T>) =>
		Object.fromEntries(Object.entries(o).filter(([k]) => shownNow.has(k) && pageIds.has(k)));
	const appeared = input.shown !== null && pageVisible.some((q) => !input.shown!.includes(q.id));
	const checked = validateAnswers(pageVisible, pick(read.answers), pick(read.others), {
		enforceRequired: intent === 'next' && !appeared,
		language: def.language
	});
	if (!checked.ok) return { kind: 'invalid', section: sectionIndex, errors: checked.errors };
	const all: Answers = {};
	for (const [k, v] of Object.entries(saved.answers)) if (!pageIds.has(k)) all[k] = v;
	Object.assign(all, checked.answers);
	const kept = visibleAnswers(def, all);
	const others: Record<string, string> = {};
	for (const [k, v] of Object.entries({ ...saved.others, ...checked.others }))
		if (kept[k] !== undefined && (!pageIds.has(k) || checked.others[k] !== undefined))
			others[k] = v;
	let target: number | 'submit';
	if (appeared) target = sectionIndex;
	else if (intent === 'back') target = previousSection(def, kept, sectionIndex) ?? sectionIndex;
	else target = nextSection(def, kept, sectionIndex) ?? 'submit';
	// The server decides completeness: every visible required question, on every page.
	// (the posted page was just checked with its required answers: not again if it shows the same)
	const problem =
		target === 'submit'
			? firstProblem(def.sections, kept, others, def.language, {
					section: sectionIndex,
					shown: new Set(pageVisible.map((q) => q.id))
				})
			: null;
	const at = target !== 'submit' ? target : (problem?.section ?? sectionIndex);
	return { kind: 'ready', kept, others, target, section: at, appeared, problem };
}

/**
 * An invitation's first post in one statement, so in one round trip and one commit: the response
 * (complete when this page submits it), its answers, the invitation's started/completed times and,
 * on completion, its follow-up (when the rule holds) and its place in the completion queue.
 * Returns null when the response exists already (a concurrent first post won; the caller then locks
 * that one). An invalid page still starts the response, so a reload shows the page rather than the
 * introduction.
 */
async function firstPost(
	db: Db,
	input: SaveInput,
	section: Posted['section'],
	read: Posted['read']
): Promise<SaveResult | null> {
	const { target, now } = input;
	if (target.invitationId === null) throw new Error('The response could not be started.');
	const p = plan(input, section, read, { answers: {}, others: {} });
	const complete = p.kind === 'ready' && p.target === 'submit' && !p.problem;
	const rows =
		p.kind === 'ready'
			? toRows(input.version, 0, p.kept, p.others).map((r) => ({
					question_id: r.question_id,
					lineage: r.lineage,
					item: r.item,
					value: r.value,
					score: r.score,
					text: r.text
				}))
			: [];
	const completedAt = complete ? now : null;
	const followUp = complete ? results.followups.followUpFor(known(input, rows)) : null;
	const inserted = await sql<{ id: number }>`
		with r as (
			insert into responses (survey_id, version_id, wave_id, invitation_id, customer_id,
				anonymous, started_at, updated_at, status, completed_at, current_section)
			values (${target.surveyId}::int, ${target.versionId}::int, ${target.waveId}::int,
				${target.invitationId}::int, ${target.customerId}::int, ${target.anonymous}::boolean,
				${now}::timestamptz, ${now}::timestamptz, ${complete ? 'complete' : 'partial'},
				${completedAt}::timestamptz, ${p.section}::int)
			on conflict (invitation_id) do nothing
			returning id
		), a as (
			insert into answers (response_id, question_id, lineage, item, value, score, text)
			select r.id, x.question_id, x.lineage, x.item, x.value, x.score, x.text
			from r cross join jsonb_to_recordset(${json(rows)}) as x(question_id int, lineage uuid,
				item text, value numeric, score numeric, text text)
		), inv as (
			update invitations set started_at = coalesce(started_at, ${now}::timestamptz),
				completed_at = coalesce(${completedAt}::timestamptz, completed_at),
				opened_at = case when ${complete}::boolean then coalesce(opened_at, ${now}::timestamptz)
					else opened_at end
			where id = ${target.invitationId}::int and exists (select 1 from r)
		), f as (
			insert into follow_ups (response_id, survey_id, wave_id, customer_id, reason)
			select r.id, ${followUp?.surveyId ?? null}::int, ${followUp?.waveId ?? null}::int,
				${followUp?.customerId ?? null}::int, ${followUp?.reason ?? null}::text
			from r where ${followUp !== null}::boolean
		), q as (
			insert into completion_queue (response_id, wave_id)
			select r.id, ${target.waveId}::int from r where ${complete}::boolean
		)
		select id from r`.execute(db);
	const id = inserted.rows[0]?.id;
	if (id === undefined) return null;
	if (p.kind === 'invalid') return p;
	if (complete) return { kind: 'complete', first: true };
	return p.problem
		? { kind: 'invalid', section: p.problem.section, errors: p.problem.errors }
		: { kind: 'saved', section: p.section, appeared: p.appeared };
}

/** The completed response as the follow-up rule reads it (no look-up needed). */
function known(
	input: SaveInput,
	rows: Pick<Insertable<AnswersTable>, 'lineage' | 'item' | 'value' | 'score' | 'text'>[]
): results.KnownResponse {
	const { target, version } = input;
	const position = new Map(allQuestions(version.definition).map((q, i) => [q.question.id, i]));
	const ruleRows: results.RuleRow[] = [];
	for (const r of rows) {
		const q = version.questions.get(r.lineage);
		if (!q) continue;
		ruleRows.push({
			lineage: r.lineage,
			type: q.type,
			prompt: q.prompt,
			scored: q.scored,
			item: r.item ?? '',
			value: r.value ?? null,
			score: r.score ?? null,
			text: r.text ?? null
		});
	}
	ruleRows.sort((a, b) => (position.get(a.lineage) ?? 0) - (position.get(b.lineage) ?? 0));
	return {
		surveyId: target.surveyId,
		waveId: target.waveId,
		customerId: target.customerId,
		anonymous: target.anonymous,
		followUpRule: target.followUpRule,
		rows: ruleRows
	};
}

function firstProblem(
	sections: { questions: Question[] }[],
	answers: Answers,
	others: Record<string, string>,
	language: string,
	/** a page already checked with these questions shown */
	checked?: { section: number; shown: Set<string> }
): { section: number; errors: PageErrors } | null {
	const shown = visibleQuestions({ sections: sections as never }, answers);
	for (const i of visibleSections({ sections: sections as never }, answers)) {
		const qs = sections[i].questions.filter((q) => shown.has(q.id));
		if (
			checked?.section === i &&
			qs.length === checked.shown.size &&
			qs.every((q) => checked.shown.has(q.id))
		)
			continue;
		const ids = new Set(qs.map((q) => q.id));
		const own = <T>(o: Record<string, T>) =>
			Object.fromEntries(Object.entries(o).filter(([k]) => ids.has(k)));
		const r = validateAnswers(qs, own(answers), own(others), { enforceRequired: true, language });
		if (!r.ok) return { section: i, errors: r.errors };
	}
	return null;
}

/**
 * Changes the answer of a completed one-question (transactional) response while its wave is open:
 * the first page's answers are replaced and the wave's rollups recomputed, in one transaction.
 */
export async function amend(
	db: Db,
	input: {
		version: PublishedVersion;
		target: Target;
		responseId: number;
		entries: [string, FormDataEntryValue][];
		now: Date;
	}
): Promise<SaveResult> {
	const def = input.version.definition;
	const { section, read } = readPosted(input.version, 0, input.entries);
	return db.transaction().execute(async (trx) => {
		const resp = await trx
			.selectFrom('responses')
			.select(['id', 'status', 'wave_id'])
			.where('id', '=', input.responseId)
			.forUpdate()
			.executeTakeFirstOrThrow();
		const saved = await loadAnswers(trx, input.version, resp.id);
		const pageIds = new Set(section.questions.map((q) => q.id));
		const all: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(saved.answers)) if (!pageIds.has(k)) all[k] = v;
		Object.assign(all, read.answers);
		const shown = visibleQuestions(def, all as Answers);
		const visible = section.questions.filter((q) => shown.has(q.id));
		const pick = <T>(o: Record<string, T>) =>
			Object.fromEntries(Object.entries(o).filter(([k]) => shown.has(k) && pageIds.has(k)));
		const checked = validateAnswers(visible, pick(read.answers), pick(read.others), {
			enforceRequired: true,
			language: def.language
		});
		if (!checked.ok) return { kind: 'invalid', section: 0, errors: checked.errors };
		const kept = visibleAnswers(def, { ...(all as Answers), ...checked.answers });
		for (const q of section.questions)
			if (!shown.has(q.id) || checked.answers[q.id] === undefined) delete kept[q.id];
		const others: Record<string, string> = {};
		for (const [k, v] of Object.entries({ ...saved.others, ...checked.others }))
			if (kept[k] !== undefined && (!pageIds.has(k) || checked.others[k] !== undefined))
				others[k] = v;
		await trx.deleteFrom('answers').where('response_id', '=', resp.id).execute();
		const rows = toRows(input.version, resp.id, kept, others);
		if (rows.length) await trx.insertInto('answers').values(rows).execute();
		await trx
			.updateTable('responses')
			.set({ updated_at: input.now })
			.where('id', '=', resp.id)
			.execute();
		if (resp.wave_id !== null) await results.rebuild(trx, resp.wave_id);
		// the follow-up follows the changed answer: resolved when it no longer meets the rule (if the
		// team has not acted yet), opened (and assigned) when it newly does
		const change = await results.followups.reconcileAfterChange(trx, resp.id, input.now);
		if (change.kind === 'opened' || change.kind === 'reopened')
			await assignment.onFollowUpOpened(trx, change.followUpId, input.now);
		return { kind: 'complete', first: false } as const;
	});
}
