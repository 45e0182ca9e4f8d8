import { sql } from 'kysely';
import type { Db, Trx } from '../db';
import * as ratelimit from '../ratelimit';
import * as results from '../results';
import type { PublishedVersion } from '../surveys/published';
import { PUBLIC_START_LIMIT, type Target } from './access';
import { fromRows, toRows } from './rows';
import { LIMITS, validateAnswers, type PageErrors } from '$lib/schemas/responses';
import type { Question } from '$lib/schemas/survey';
import type { Answers } from '$lib/survey/answers';
import { readPage } from '$lib/survey/form';
import { visibleAnswers, visibleQuestions } from '$lib/survey/logic';
import { nextSection, previousSection, visibleSections } from '$lib/survey/navigation';

/** A post that no honest form produces (unknown fields, huge values): answered with a 400. */
export class TamperedFormError extends Error {}
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
	if (entries.length > LIMITS.entries) throw new TamperedFormError('The form is too large.');
	for (const [k, v] of entries) {
		if (k.length > 200 || typeof v !== 'string' || v.length > LIMITS.valueChars)
			throw new TamperedFormError('The form contains a value that is too large.');
	}
	const section = version.definition.sections[sectionIndex];
	if (!section) throw new TamperedFormError('This page does not exist in the survey.');
	const read = readPage(section.questions, entries as [string, string][]);
	if (read.unknown.length)
		throw new TamperedFormError(
			'The form contains answers to questions that are not on this page.'
		);
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
export async function savePage(
	db: Db,
	input: {
		version: PublishedVersion;
		target: Target;
		responseId: number;
		sectionIndex: number;
		entries: [string, FormDataEntryValue][];
		shown: string[] | null;
		intent: Intent;
		now: Date;
	}
): Promise<SaveResult> {
	const { version, sectionIndex, intent, now } = input;
	const def = version.definition;
	const { section, read } = readPosted(version, sectionIndex, input.entries);
	return db.transaction().execute(async (trx) => {
		const resp = await trx
			.selectFrom('responses')
			.select(['id', 'status', 'version_id'])
			.where('id', '=', input.responseId)
			.forUpdate()
			.executeTakeFirstOrThrow();
		if (resp.status === 'complete') return { kind: 'complete', first: false } as const;
		const saved = await loadAnswers(trx, version, resp.id);
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
			enforceRequired: intent === 'next' && !appeared
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
		await trx.deleteFrom('answers').where('response_id', '=', resp.id).execute();
		const rows = toRows(version, resp.id, kept, others);
		if (rows.length) await trx.insertInto('answers').values(rows).execute();

		let target: number | 'submit';
		if (appeared) target = sectionIndex;
		else if (intent === 'back') target = previousSection(def, kept, sectionIndex) ?? sectionIndex;
		else target = nextSection(def, kept, sectionIndex) ?? 'submit';

		if (target !== 'submit') {
			await trx
				.updateTable('responses')
				.set({ current_section: target, updated_at: now })
				.where('id', '=', resp.id)
				.execute();
			return { kind: 'saved', section: target, appeared };
		}
		// The server decides completeness: every visible required question, on every page.
		const problem = firstProblem(def.sections, kept, others);
		if (problem) {
			await trx
				.updateTable('responses')
				.set({ current_section: problem.section, updated_at: now })
				.where('id', '=', resp.id)
				.execute();
			return { kind: 'invalid', section: problem.section, errors: problem.errors };
		}
		const done = await trx
			.updateTable('responses')
			.set({
				status: 'complete',
				completed_at: now,
				updated_at: now,
				current_section: sectionIndex
			})
			.where('id', '=', resp.id)
			.where('status', '=', 'partial')
			.executeTakeFirst();
		if (Number(done.numUpdatedRows) !== 1) return { kind: 'complete', first: false } as const;
		if (input.target.invitationId !== null)
			await trx
				.updateTable('invitations')
				.set({
					completed_at: now,
					started_at: sql`coalesce(started_at, ${now})`,
					opened_at: sql`coalesce(opened_at, ${now})`
				})
				.where('id', '=', input.target.invitationId)
				.execute();
		await results.onResponseCompleted(trx, resp.id);
		return { kind: 'complete', first: true } as const;
	});
}

function firstProblem(
	sections: { questions: Question[] }[],
	answers: Answers,
	others: Record<string, string>
): { section: number; errors: PageErrors } | null {
	const shown = visibleQuestions({ sections: sections as never }, answers);
	for (const i of visibleSections({ sections: sections as never }, answers)) {
		const qs = sections[i].questions.filter((q) => shown.has(q.id));
		const ids = new Set(qs.map((q) => q.id));
		const own = <T>(o: Record<string, T>) =>
			Object.fromEntries(Object.entries(o).filter(([k]) => ids.has(k)));
		const r = validateAnswers(qs, own(answers), own(others), { enforceRequired: true });
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
			enforceRequired: true
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
		return { kind: 'complete', first: false } as const;
	});
}
