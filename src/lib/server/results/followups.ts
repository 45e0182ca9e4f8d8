import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../db';
import { logicSchema, type Logic } from '$lib/schemas/survey';
import { logicHolds } from '$lib/survey/logic';
import { answersFromRows } from './answers';
import { SurveyNotFoundError } from './dashboard';

export type FollowUpStatus = 'open' | 'contacted' | 'resolved';
export const FOLLOW_UP_STATUSES: FollowUpStatus[] = ['open', 'contacted', 'resolved'];

export class UnknownAssigneeError extends Error {
	constructor() {
		super('Choose an active user as assignee.');
	}
}

export class FollowUpNotFoundError extends Error {
	constructor() {
		super('That follow-up no longer exists.');
	}
}

/** An answer row with its question, as the follow-up rule reads it. */
export interface RuleRow {
	lineage: string;
	type: string;
	prompt: string;
	scored: boolean;
	item: string;
	value: number | null;
	score: number | null;
	text: string | null;
}

const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

/**
 * Why a response needs a follow-up under the default rule (any NPS ≤ 6, a "no" on a scored yes/no
 * question, a Likert/matrix/rating score ≤ 25); empty when it does not.
 */
export function defaultRuleReasons(rows: RuleRow[]): string[] {
	const reasons: string[] = [];
	for (const r of rows) {
		if (r.value === null) continue;
		const v = Number(r.value);
		if (r.type === 'nps' && v <= 6) reasons.push(`Detractor (NPS ${v}): “${short(r.prompt)}”`);
		else if (r.type === 'yesno' && r.scored && v === 0)
			reasons.push(`Answered no: “${short(r.prompt)}”`);
		else if (
			(r.type === 'likert' || r.type === 'matrix' || r.type === 'rating') &&
			r.scored &&
			r.score !== null &&
			Number(r.score) <= 25
		)
			reasons.push(`Low score (${Number(r.score)}/100): “${short(r.prompt)}”`);
	}
	return reasons;
}

/** The survey's follow-up rule, or null for the default rule (an invalid stored rule also). */
export function parseRule(stored: unknown): Logic | null {
	if (stored === null || stored === undefined) return null;
	const parsed = logicSchema.safeParse(stored);
	return parsed.success ? parsed.data : null;
}

interface RuleVerdict {
	surveyId: number;
	waveId: number | null;
	customerId: number | null;
	/** why the response needs a follow-up; empty when the rule does not hold */
	reasons: string[];
}

/**
 * What the submitting code knows already of a response it just completed, so the rule needs no
 * look-up: the survey's stored rule and the answer rows in question order.
 */
export interface KnownResponse {
	surveyId: number;
	waveId: number | null;
	customerId: number | null;
	anonymous: boolean;
	followUpRule: unknown;
	rows: RuleRow[];
}

/** Evaluates the survey's follow-up rule on a complete response (null: not complete). */
async function ruleVerdict(
	trx: Trx,
	responseId: number,
	known?: KnownResponse
): Promise<RuleVerdict | null> {
	if (known) return verdictOf(known.followUpRule, known.rows, known);
	const response = await trx
		.selectFrom('responses')
		.innerJoin('surveys', 'surveys.id', 'responses.survey_id')
		.select([
			'responses.survey_id',
			'responses.wave_id',
			'responses.customer_id',
			'responses.anonymous',
			'responses.status',
			'surveys.follow_up_rule'
		])
		.where('responses.id', '=', responseId)
		.executeTakeFirst();
	if (!response || response.status !== 'complete') return null;
	const rows = await trx
		.selectFrom('answers as a')
		.innerJoin('questions as q', 'q.id', 'a.question_id')
		.select([
			'a.lineage',
			'q.type',
			'q.prompt',
			'q.scored',
			'a.item',
			'a.value',
			'a.score',
			'a.text'
		])
		.where('a.response_id', '=', responseId)
		.orderBy('q.position')
		.execute();
	return verdictOf(response.follow_up_rule, rows, {
		surveyId: response.survey_id,
		waveId: response.wave_id,
		customerId: response.customer_id,
		anonymous: response.anonymous
	});
}

function verdictOf(
	stored: unknown,
	rows: RuleRow[],
	response: {
		surveyId: number;
		waveId: number | null;
		customerId: number | null;
		anonymous: boolean;
	}
): RuleVerdict {
	const rule = parseRule(stored);
	let reasons: string[] = [];
	if (rule) {
		const answers = answersFromRows(rows);
		if (logicHolds(rule, answers)) {
			const prompts = new Map(rows.map((r) => [r.lineage, r.prompt]));
			reasons = [
				`Met the follow-up rule: ${rule.conditions
					.map((c) => `“${short(prompts.get(c.question) ?? 'a question')}”`)
					.join(rule.mode === 'any' ? ' or ' : ' and ')}`
			];
		}
	} else reasons = defaultRuleReasons(rows);
	return {
		surveyId: response.surveyId,
		waveId: response.waveId,
		customerId: response.anonymous ? null : response.customerId,
		reasons
	};
}

const reasonText = (reasons: string[]) => reasons.slice(0, 5).join('; ');

/** The follow-up row a completed response opens, judged from what the caller knows; null: none. */
export function followUpFor(known: KnownResponse): {
	surveyId: number;
	waveId: number | null;
	customerId: number | null;
	reason: string;
} | null {
	const v = verdictOf(known.followUpRule, known.rows, known);
	if (v.reasons.length === 0) return null;
	return {
		surveyId: v.surveyId,
		waveId: v.waveId,
		customerId: v.customerId,
		reason: reasonText(v.reasons)
	};
}

/**
 * Opens a follow-up for a complete response that meets its survey's rule. Idempotent: returns the
 * id of the follow-up it opened, or null (the rule does not hold, or one was opened before).
 */
export async function openIfRuleHolds(
	trx: Trx,
	responseId: number,
	known?: KnownResponse
): Promise<number | null> {
	const verdict = await ruleVerdict(trx, responseId, known);
	if (!verdict || verdict.reasons.length === 0) return null;
	const inserted = await trx
		.insertInto('follow_ups')
		.values({
			response_id: responseId,
			survey_id: verdict.surveyId,
			wave_id: verdict.waveId,
			customer_id: verdict.customerId,
			reason: reasonText(verdict.reasons)
		})
		.onConflict((oc) => oc.column('response_id').doNothing())
		.returning('id')
		.executeTakeFirst();
	return inserted?.id ?? null;
}

/** The note of a follow-up closed because the customer changed the answer that opened it. */
export const ANSWER_CHANGED_NOTE =
	'Resolved automatically: the answer was changed by the customer.';

export type FollowUpChange =
	{ kind: 'opened' | 'reopened' | 'closed'; followUpId: number } | { kind: 'unchanged' };

/**
 * After the customer changed a complete response's answers (the one-question page, while the
 * wave is open): a follow-up that an earlier answer opened is resolved with ANSWER_CHANGED_NOTE
 * when the rule no longer holds and nobody on the team has acted on it yet (still open, no note;
 * an automatic assignment does not count); one resolved that way opens again when the rule holds
 * again; and one is opened when the rule newly holds. Idempotent; the caller holds the response's
 * row lock.
 */
export async function reconcileAfterChange(
	trx: Trx,
	responseId: number,
	now: Date
): Promise<FollowUpChange> {
	const verdict = await ruleVerdict(trx, responseId);
	if (!verdict) return { kind: 'unchanged' };
	const existing = await trx
		.selectFrom('follow_ups')
		.select(['id', 'status', 'note'])
		.where('response_id', '=', responseId)
		.forUpdate()
		.executeTakeFirst();
	const untouched = existing?.status === 'open' && existing.note === '';
	if (verdict.reasons.length === 0) {
		if (!existing || !untouched) return { kind: 'unchanged' };
		await trx
			.updateTable('follow_ups')
			.set({ status: 'resolved', note: ANSWER_CHANGED_NOTE, resolved_at: now, updated_at: now })
			.where('id', '=', existing.id)
			.execute();
		return { kind: 'closed', followUpId: existing.id };
	}
	const reason = reasonText(verdict.reasons);
	if (!existing) {
		const opened = await openIfRuleHolds(trx, responseId);
		return opened !== null ? { kind: 'opened', followUpId: opened } : { kind: 'unchanged' };
	}
	if (existing.status === 'resolved' && existing.note === ANSWER_CHANGED_NOTE) {
		await trx
			.updateTable('follow_ups')
			.set({ status: 'open', note: '', resolved_at: null, reason, updated_at: now })
			.where('id', '=', existing.id)
			.execute();
		return { kind: 'reopened', followUpId: existing.id };
	}
	// still waiting for the team: the reason follows the current answer
	if (untouched)
		await trx
			.updateTable('follow_ups')
			.set({ reason })
			.where('id', '=', existing.id)
			.where('reason', '<>', reason)
			.execute();
	return { kind: 'unchanged' };
}

export interface FollowUp {
	id: number;
	responseId: number;
	waveId: number | null;
	waveName: string | null;
	customer: { name: string; email: string | null; externalId: string } | null;
	customerErased: boolean;
	reason: string;
	status: FollowUpStatus;
	assigneeId: number | null;
	assigneeName: string | null;
	note: string;
	createdAt: Date;
	resolvedAt: Date | null;
}

/** The follow-up queue of a survey, newest first, optionally by status. */
export async function list(
	db: DbOrTrx,
	surveyId: number,
	opts: { status?: FollowUpStatus; limit: number; offset: number }
): Promise<{ items: FollowUp[]; total: number }> {
	const base = db
		.selectFrom('follow_ups as f')
		.where('f.survey_id', '=', surveyId)
		.$if(!!opts.status, (q) => q.where('f.status', '=', opts.status!));
	const [rows, total] = await Promise.all([
		base
			.leftJoin('customers as c', 'c.id', 'f.customer_id')
			.leftJoin('users as u', 'u.id', 'f.assignee_id')
			.leftJoin('waves as w', 'w.id', 'f.wave_id')
			.select([
				'f.id',
				'f.response_id',
				'f.wave_id',
				'w.name as wave_name',
				'c.name as c_name',
				'c.email as c_email',
				'c.external_id as c_external_id',
				'c.erased_at as c_erased_at',
				'f.reason',
				'f.status',
				'f.assignee_id',
				'u.name as u_name',
				'u.email as u_email',
				'f.note',
				'f.created_at',
				'f.resolved_at'
			])
			.orderBy(sql`case f.status when 'open' then 0 when 'contacted' then 1 else 2 end`)
			.orderBy('f.created_at', 'desc')
			.orderBy('f.id', 'desc')
			.limit(opts.limit)
			.offset(opts.offset)
			.execute(),
		base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			id: r.id,
			responseId: r.response_id,
			waveId: r.wave_id,
			waveName: r.wave_name,
			customer:
				r.c_external_id && !r.c_erased_at
					? { name: r.c_name ?? '', email: r.c_email, externalId: r.c_external_id }
					: null,
			customerErased: !!r.c_erased_at,
			reason: r.reason,
			status: r.status,
			assigneeId: r.assignee_id,
			assigneeName: r.u_name || r.u_email || null,
			note: r.note,
			createdAt: r.created_at,
			resolvedAt: r.resolved_at
		}))
	};
}

/** Counts per status for a survey (the dashboard's follow-up figures). */
export async function counts(
	db: DbOrTrx,
	surveyId: number
): Promise<Record<FollowUpStatus, number>> {
	const rows = await db
		.selectFrom('follow_ups')
		.select(['status', (eb) => eb.fn.countAll<number>().as('n')])
		.where('survey_id', '=', surveyId)
		.groupBy('status')
		.execute();
	const out: Record<FollowUpStatus, number> = { open: 0, contacted: 0, resolved: 0 };
	for (const r of rows) out[r.status] = Number(r.n);
	return out;
}

/** Changes a follow-up's status, assignee and note. */
export async function update(
	db: DbOrTrx,
	surveyId: number,
	id: number,
	input: { status: FollowUpStatus; assigneeId: number | null; note: string },
	now = new Date()
): Promise<void> {
	if (input.assigneeId !== null) {
		const user = await db
			.selectFrom('users')
			.select('id')
			.where('id', '=', input.assigneeId)
			.where('disabled_at', 'is', null)
			.executeTakeFirst();
		if (!user) throw new UnknownAssigneeError();
	}
	const res = await db
		.updateTable('follow_ups')
		.set((eb) => ({
			status: input.status,
			assignee_id: input.assigneeId,
			note: input.note,
			updated_at: now,
			resolved_at:
				input.status === 'resolved'
					? eb.fn.coalesce('resolved_at', sql<Date>`${now}::timestamptz`)
					: null
		}))
		.where('id', '=', id)
		.where('survey_id', '=', surveyId)
		.executeTakeFirst();
	if (Number(res.numUpdatedRows) === 0) throw new FollowUpNotFoundError();
}

/** Users who can be assigned (not disabled). */
export async function assignees(db: DbOrTrx): Promise<{ id: number; name: string }[]> {
	const rows = await db
		.selectFrom('users')
		.select(['id', 'name', 'email'])
		.where('disabled_at', 'is', null)
		.orderBy('name')
		.execute();
	return rows.map((r) => ({ id: r.id, name: r.name || r.email }));
}

/** The follow-up queue page: items, counts per status and possible assignees. */
export async function queueView(
	db: DbOrTrx,
	surveyId: number,
	opts: { status?: FollowUpStatus; limit: number; offset: number }
) {
	const exists = await db
		.selectFrom('surveys')
		.select('id')
		.where('id', '=', surveyId)
		.executeTakeFirst();
	if (!exists) throw new SurveyNotFoundError();
	const [page, statusCounts, users] = await Promise.all([
		list(db, surveyId, opts),
		counts(db, surveyId),
		assignees(db)
	]);
	return { ...page, counts: statusCounts, assignees: users };
}
