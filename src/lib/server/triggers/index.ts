import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../db';
import { json } from '../db/json';
import type { TriggerRow } from '../db/schema';
import * as template from '../mail/template';
import type { TriggerCondition, TriggerInput } from '$lib/schemas/triggers';
import { matches } from './conditions';
import { dueAt, zoneFor } from './delay';
import { inSample } from './sample';
import { oneClickAnswers } from './mail';
import { definitionSchema } from '$lib/schemas/survey';

export { sendDue, rollingWave, monthStart, ROLLING_GRACE_DAYS } from './send';
export { dueAt, zoneFor, describeDelay, describeMinutes } from './delay';
export { sampleBucket, inSample } from './sample';
export { matches, describeConditions } from './conditions';
export { oneClickAnswers, answerLink } from './mail';

/** Events that happened longer ago than this do not trigger a survey (e.g. a history import). */
export const MAX_EVENT_AGE_DAYS = 30;

export class TriggerNotFoundError extends Error {
	constructor() {
		super('That trigger no longer exists.');
	}
}
/** The input is valid in shape but not in meaning (unknown survey, bad placeholder…). */
export class TriggerInputError extends Error {
	constructor(
		public field: string,
		message: string
	) {
		super(message);
	}
}

export interface Trigger {
	id: number;
	name: string;
	eventType: string;
	conditions: TriggerCondition[];
	surveyId: number;
	surveyTitle: string;
	delayKind: 'after' | 'local_time';
	delayMinutes: number;
	localTime: string;
	timeZone: string;
	oncePerDays: number;
	samplePercent: number;
	mailSubject: string;
	mailBody: string;
	senderName: string;
	paused: boolean;
	isDemo: boolean;
	createdAt: Date;
	updatedAt: Date;
}

export interface TriggerSummary extends Trigger {
	pending: number;
	sent: number;
	skipped: number;
	lastEventAt: Date | null;
}

function toTrigger(r: TriggerRow & { survey_title: string }): Trigger {
	return {
		id: r.id,
		name: r.name,
		eventType: r.event_type,
		conditions: (r.conditions ?? []) as TriggerCondition[],
		surveyId: r.survey_id,
		surveyTitle: r.survey_title,
		delayKind: r.delay_kind,
		delayMinutes: r.delay_minutes,
		localTime: r.local_time,
		timeZone: r.time_zone,
		oncePerDays: r.once_per_days,
		samplePercent: Number(r.sample_percent),
		mailSubject: r.mail_subject,
		mailBody: r.mail_body,
		senderName: r.sender_name,
		paused: r.paused_at !== null,
		isDemo: r.is_demo,
		createdAt: r.created_at,
		updatedAt: r.updated_at
	};
}

function base(db: DbOrTrx) {
	return db
		.selectFrom('triggers')
		.innerJoin('surveys', 'surveys.id', 'triggers.survey_id')
		.selectAll('triggers')
		.select('surveys.title as survey_title')
		.where('triggers.archived_at', 'is', null);
}

/** Active and paused (not archived) triggers with their counts, newest first. */
export async function list(
	db: DbOrTrx,
	opts: { limit: number; offset: number }
): Promise<{ items: TriggerSummary[]; total: number }> {
	const [rows, total] = await Promise.all([
		base(db)
			.select((eb) => [
				eb
					.selectFrom('trigger_sends')
					.select(sql<number>`count(*) filter (where status = 'pending')`.as('n'))
					.whereRef('trigger_sends.trigger_id', '=', 'triggers.id')
					.as('pending'),
				eb
					.selectFrom('trigger_sends')
					.select(sql<number>`count(*) filter (where status = 'sent')`.as('n'))
					.whereRef('trigger_sends.trigger_id', '=', 'triggers.id')
					.as('sent'),
				eb
					.selectFrom('trigger_sends')
					.select(sql<number>`count(*) filter (where status = 'skipped')`.as('n'))
					.whereRef('trigger_sends.trigger_id', '=', 'triggers.id')
					.as('skipped'),
				eb
					.selectFrom('trigger_sends')
					.select(sql<Date>`max(created_at)`.as('at'))
					.whereRef('trigger_sends.trigger_id', '=', 'triggers.id')
					.as('last_event_at')
			])
			.orderBy('triggers.created_at', 'desc')
			.orderBy('triggers.id', 'desc')
			.limit(opts.limit)
			.offset(opts.offset)
			.execute(),
		db
			.selectFrom('triggers')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('archived_at', 'is', null)
			.executeTakeFirstOrThrow()
	]);
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			...toTrigger(r),
			pending: Number(r.pending ?? 0),
			sent: Number(r.sent ?? 0),
			skipped: Number(r.skipped ?? 0),
			lastEventAt: r.last_event_at ? new Date(r.last_event_at) : null
		}))
	};
}

/** One trigger (not archived), or undefined. */
export async function get(db: DbOrTrx, id: number): Promise<Trigger | undefined> {
	const r = await base(db).where('triggers.id', '=', id).executeTakeFirst();
	return r ? toTrigger(r) : undefined;
}

async function validate(db: DbOrTrx, input: TriggerInput): Promise<void> {
	const survey = await db
		.selectFrom('surveys')
		.select(['id'])
		.where('id', '=', input.survey_id)
		.where('archived_at', 'is', null)
		.where('is_template', '=', false)
		.executeTakeFirst();
	if (!survey) throw new TriggerInputError('survey_id', 'Choose a survey that exists.');
	for (const field of ['mail_subject', 'mail_body'] as const) {
		try {
			template.parse(input[field]);
		} catch (e) {
			if (e instanceof template.TemplateError) throw new TriggerInputError(field, e.message);
			throw e;
		}
	}
}

function values(input: TriggerInput) {
	return {
		name: input.name,
		event_type: input.event_type,
		conditions: json(input.conditions),
		survey_id: input.survey_id,
		delay_kind: input.delay_kind,
		delay_minutes: input.delay_minutes,
		local_time: input.local_time,
		time_zone: input.time_zone,
		once_per_days: input.once_per_days,
		sample_percent: input.sample_percent,
		mail_subject: input.mail_subject,
		mail_body: input.mail_body,
		sender_name: input.sender_name
	};
}

/** Creates a trigger (active); returns its id. Throws TriggerInputError. */
export async function create(
	db: DbOrTrx,
	input: TriggerInput,
	opts: { createdBy?: number | null; isDemo?: boolean; paused?: boolean; now?: Date } = {}
): Promise<number> {
	await validate(db, input);
	const row = await db
		.insertInto('triggers')
		.values({
			...values(input),
			created_by: opts.createdBy ?? null,
			is_demo: opts.isDemo ?? false,
			paused_at: opts.paused ? (opts.now ?? new Date()) : null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Updates a trigger; pending sends keep their planned time. Throws TriggerInputError. */
export async function update(db: DbOrTrx, id: number, input: TriggerInput): Promise<void> {
	await validate(db, input);
	const r = await db
		.updateTable('triggers')
		.set({ ...values(input), updated_at: new Date() })
		.where('id', '=', id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!Number(r.numUpdatedRows)) throw new TriggerNotFoundError();
}

/** Pauses (paused = true) or resumes a trigger. A paused trigger plans nothing and sends nothing. */
export async function setPaused(
	db: DbOrTrx,
	id: number,
	paused: boolean,
	now: Date
): Promise<void> {
	const r = await db
		.updateTable('triggers')
		.set({ paused_at: paused ? now : null, updated_at: now })
		.where('id', '=', id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!Number(r.numUpdatedRows)) throw new TriggerNotFoundError();
}

/** Archives a trigger (its waves and invitations stay for results). */
export async function archive(db: DbOrTrx, id: number, now: Date): Promise<void> {
	const r = await db
		.updateTable('triggers')
		.set({ archived_at: now, updated_at: now })
		.where('id', '=', id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!Number(r.numUpdatedRows)) throw new TriggerNotFoundError();
}

export interface StoredEvent {
	id: number;
	type: string;
	customerId: number | null;
	customerTimeZone: string | null;
	occurredAt: Date;
	reference: string | null;
	attributes: Record<string, string | number | boolean | null>;
}

/**
 * Plans the triggered sends for newly stored events (inside the events transaction): for each
 * active trigger of the event's type whose conditions match and whose persistent share includes
 * the customer, one trigger_sends row due after the trigger's delay. Returns how many were planned.
 */
export async function plan(trx: Trx, events: StoredEvent[], now: Date): Promise<number> {
	const withCustomer = events.filter((e) => e.customerId !== null);
	if (withCustomer.length === 0) return 0;
	const types = [...new Set(withCustomer.map((e) => e.type))];
	const active = await trx
		.selectFrom('triggers')
		.selectAll()
		.where('event_type', 'in', types)
		.where('archived_at', 'is', null)
		.where('paused_at', 'is', null)
		.execute();
	if (active.length === 0) return 0;
	const tooOld = now.getTime() - MAX_EVENT_AGE_DAYS * 86_400_000;
	const rows = [];
	for (const e of withCustomer) {
		for (const t of active) {
			if (t.event_type !== e.type) continue;
			if (!matches((t.conditions ?? []) as TriggerCondition[], e)) continue;
			if (!inSample(t.sample_seed, e.customerId!, Number(t.sample_percent))) continue;
			const old = e.occurredAt.getTime() < tooOld;
			rows.push({
				trigger_id: t.id,
				event_id: e.id,
				customer_id: e.customerId!,
				due_at: dueAt(t, e.occurredAt, zoneFor(e.customerTimeZone, t.time_zone)),
				status: old ? ('skipped' as const) : ('pending' as const),
				skip_reason: old ? `The event is older than ${MAX_EVENT_AGE_DAYS} days.` : null,
				processed_at: old ? now : null,
				created_at: now
			});
		}
	}
	if (rows.length === 0) return 0;
	await trx
		.insertInto('trigger_sends')
		.values(rows)
		.onConflict((oc) => oc.columns(['trigger_id', 'event_id']).doNothing())
		.execute();
	return rows.length;
}

export interface TriggerSend {
	id: number;
	status: 'pending' | 'sent' | 'skipped';
	dueAt: Date;
	skipReason: string | null;
	customerExternalId: string;
	customerName: string;
	eventType: string;
	eventReference: string | null;
	occurredAt: Date;
	processedAt: Date | null;
}

/** A trigger's recent planned, sent and skipped invitations, newest first. */
export async function sends(
	db: DbOrTrx,
	triggerId: number,
	opts: { limit: number; offset: number }
): Promise<{ items: TriggerSend[]; total: number }> {
	const [rows, total] = await Promise.all([
		db
			.selectFrom('trigger_sends as s')
			.innerJoin('events as e', 'e.id', 's.event_id')
			.innerJoin('customers as c', 'c.id', 's.customer_id')
			.select([
				's.id',
				's.status',
				's.due_at',
				's.skip_reason',
				's.processed_at',
				'c.external_id',
				'c.name',
				'e.type',
				'e.reference',
				'e.occurred_at'
			])
			.where('s.trigger_id', '=', triggerId)
			.orderBy('s.id', 'desc')
			.limit(opts.limit)
			.offset(opts.offset)
			.execute(),
		db
			.selectFrom('trigger_sends')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('trigger_id', '=', triggerId)
			.executeTakeFirstOrThrow()
	]);
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			id: r.id,
			status: r.status,
			dueAt: r.due_at,
			skipReason: r.skip_reason,
			customerExternalId: r.external_id,
			customerName: r.name,
			eventType: r.type,
			eventReference: r.reference,
			occurredAt: r.occurred_at,
			processedAt: r.processed_at
		}))
	};
}

/**
 * Surveys a trigger can use (not archived, not templates), transactional first; `oneClick` when
 * the latest published version can be answered from the e-mail.
 */
export async function surveyChoices(
	db: DbOrTrx
): Promise<{ id: number; title: string; kind: string; oneClick: boolean }[]> {
	const rows = await db
		.selectFrom('surveys')
		.select((eb) => [
			'surveys.id',
			'surveys.title',
			'surveys.kind',
			eb
				.selectFrom('survey_versions as v')
				.select('v.definition')
				.whereRef('v.survey_id', '=', 'surveys.id')
				.where('v.status', '=', 'published')
				.orderBy('v.number', 'desc')
				.limit(1)
				.as('definition')
		])
		.where('surveys.archived_at', 'is', null)
		.where('surveys.is_template', '=', false)
		.orderBy(sql`surveys.kind = 'transactional'`, 'desc')
		.orderBy('surveys.title')
		.execute();
	return rows.map((r) => {
		const def = definitionSchema.safeParse(r.definition);
		return {
			id: r.id,
			title: r.title,
			kind: r.kind,
			oneClick: def.success && oneClickAnswers(def.data) !== null
		};
	});
}

/** The rolling waves of a trigger, newest first. */
export async function waves(
	db: DbOrTrx,
	triggerId: number
): Promise<{ id: number; name: string; status: string; invited: number; month: Date }[]> {
	const rows = await db
		.selectFrom('waves')
		.select(['id', 'name', 'status', 'invited_count', 'scheduled_for'])
		.where('trigger_id', '=', triggerId)
		.where('kind', '=', 'rolling')
		.orderBy('scheduled_for', 'desc')
		.limit(24)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		status: r.status,
		invited: r.invited_count,
		month: r.scheduled_for
	}));
}
