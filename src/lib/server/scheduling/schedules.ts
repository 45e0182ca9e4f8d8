import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db';
import { json } from '../db/json';
import * as segments from '../segments';
import { latestPublishedVersionId } from '../surveys/published';
import * as template from '../mail/template';
import type { ScheduleInput } from '$lib/schemas/schedules';
import {
	describe,
	firstFrom,
	isTimeZone,
	nextAfter,
	presetToCron,
	RecurrenceError,
	validateCron,
	type Preset
} from './recurrence';
import { zonedDate, zonedInstant } from './zoned';

/** Bad schedule input: one message per form field. Nothing was saved. */
export class ScheduleInputError extends Error {
	constructor(public errors: Record<string, string>) {
		super(Object.values(errors)[0]);
	}
}
export class ScheduleNotFoundError extends Error {
	constructor() {
		super('That schedule does not exist.');
	}
}

export interface Schedule {
	id: number;
	name: string;
	surveyId: number;
	surveyTitle: string;
	segmentId: number;
	segmentName: string;
	cron: string;
	preset: Preset;
	recurrenceText: string;
	timeZone: string;
	startsAt: Date;
	endsAt: Date | null;
	maxWaves: number | null;
	nextRunAt: Date | null;
	pausedAt: Date | null;
	closeAfterDays: number;
	reminderDays: number[];
	mailSubject: string;
	mailBody: string;
	senderName: string;
	isDemo: boolean;
	createdAt: Date;
}

/** The preset a form describes. */
export function presetOf(
	input: Pick<ScheduleInput, 'preset' | 'weekday' | 'day' | 'time' | 'cron'>
): Preset {
	switch (input.preset) {
		case 'weekly':
			return { kind: 'weekly', weekday: input.weekday, time: input.time };
		case 'monthly':
			return { kind: 'monthly', day: input.day, time: input.time };
		case 'quarterly':
			return { kind: 'quarterly', time: input.time };
		case 'twice-yearly':
			return { kind: 'twice-yearly', time: input.time };
		case 'custom':
			return { kind: 'custom', cron: input.cron };
	}
}

interface Resolved {
	cron: string;
	preset: Preset;
	startsAt: Date;
	endsAt: Date | null;
	nextRunAt: Date | null;
}

/** Checks everything that needs croner or the database; throws ScheduleInputError. */
export async function validate(db: DbOrTrx, input: ScheduleInput, now: Date): Promise<Resolved> {
	const errors: Record<string, string> = {};
	const preset = presetOf(input);
	const cron = presetToCron(preset);
	try {
		validateCron(cron);
	} catch (e) {
		if (!(e instanceof RecurrenceError)) throw e;
		errors[input.preset === 'custom' ? 'cron' : 'time'] = e.message;
	}
	const tzOk = isTimeZone(input.timeZone);
	if (!tzOk)
		errors.timeZone = `“${input.timeZone}” is not a time zone we know. Choose one like Europe/Berlin.`;
	const zone = tzOk ? input.timeZone : 'UTC';
	const startsAt = zonedInstant(input.startsOn, '00:00', zone);
	const endsAt = input.endsOn ? zonedInstant(input.endsOn, '23:59', zone) : null;
	if (endsAt && endsAt <= startsAt) errors.endsOn = 'The end date must be after the start date.';

	const survey = await db
		.selectFrom('surveys')
		.select(['id', 'archived_at'])
		.where('id', '=', input.surveyId)
		.executeTakeFirst();
	if (!survey || survey.archived_at) errors.surveyId = 'Choose a survey.';
	else if (!(await latestPublishedVersionId(db, input.surveyId)))
		errors.surveyId = 'This survey is not published yet: publish it before scheduling it.';

	const segment = await segments.get(db, input.segmentId);
	if (!segment || segment.archived_at) errors.segmentId = 'Choose a segment.';
	else {
		const c = await segments.count(db, segment, { now });
		if (c.sampled === 0)
			errors.segmentId =
				'This segment has no customers who can be invited: change its rules or choose another.';
	}

	for (const field of ['mailSubject', 'mailBody'] as const) {
		try {
			template.parse(input[field]);
		} catch (e) {
			if (!(e instanceof template.TemplateError)) throw e;
			errors[field] = e.message;
		}
	}
	if (!errors.mailBody && !template.used(input.mailBody).includes('link'))
		errors.mailBody = 'The e-mail must contain {{link}}, the personal survey link.';

	if (Object.keys(errors).length) throw new ScheduleInputError(errors);
	const first = firstFrom(cron, zone, startsAt > now ? startsAt : now);
	const nextRunAt = first && (!endsAt || first <= endsAt) ? first : null;
	return { cron, preset, startsAt, endsAt, nextRunAt };
}

function reminderDays(input: ScheduleInput): number[] {
	return [input.reminder1, input.reminder2].filter((d): d is number => d !== undefined);
}

/** Creates a schedule after validating it; returns its id. */
export async function create(
	db: Db,
	input: ScheduleInput,
	opts: { now: Date; userId: number | null; isDemo?: boolean }
): Promise<number> {
	return db.transaction().execute(async (trx) => {
		const r = await validate(trx, input, opts.now);
		const row = await trx
			.insertInto('schedules')
			.values({
				name: input.name,
				survey_id: input.surveyId,
				segment_id: input.segmentId,
				cron: r.cron,
				recurrence: json(r.preset as unknown as Record<string, unknown>),
				time_zone: input.timeZone,
				starts_at: r.startsAt,
				ends_at: r.endsAt,
				max_waves: input.maxWaves ?? null,
				next_run_at: r.nextRunAt,
				close_after_days: input.closeAfterDays,
				reminder_days: json(reminderDays(input)),
				mail_subject: input.mailSubject,
				mail_body: input.mailBody,
				sender_name: input.senderName,
				created_by: opts.userId,
				is_demo: opts.isDemo ?? false
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		return row.id;
	});
}

/** Updates a schedule; the next send time is recomputed from now. */
export async function update(db: Db, id: number, input: ScheduleInput, now: Date): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const current = await trx
			.selectFrom('schedules')
			.select('id')
			.where('id', '=', id)
			.where('archived_at', 'is', null)
			.forUpdate()
			.executeTakeFirst();
		if (!current) throw new ScheduleNotFoundError();
		const r = await validate(trx, input, now);
		await trx
			.updateTable('schedules')
			.set({
				name: input.name,
				survey_id: input.surveyId,
				segment_id: input.segmentId,
				cron: r.cron,
				recurrence: json(r.preset as unknown as Record<string, unknown>),
				time_zone: input.timeZone,
				starts_at: r.startsAt,
				ends_at: r.endsAt,
				max_waves: input.maxWaves ?? null,
				next_run_at: await limitByWaves(trx, id, input.maxWaves ?? null, r.nextRunAt),
				close_after_days: input.closeAfterDays,
				reminder_days: json(reminderDays(input)),
				mail_subject: input.mailSubject,
				mail_body: input.mailBody,
				sender_name: input.senderName,
				updated_at: now
			})
			.where('id', '=', id)
			.execute();
	});
}

async function limitByWaves(
	db: DbOrTrx,
	id: number,
	maxWaves: number | null,
	next: Date | null
): Promise<Date | null> {
	if (maxWaves === null || next === null) return next;
	return (await scheduledWaveCount(db, id)) >= maxWaves ? null : next;
}

/** How many recurring (not "send now") waves a schedule has made. */
export async function scheduledWaveCount(db: DbOrTrx, scheduleId: number): Promise<number> {
	const r = await db
		.selectFrom('waves')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('schedule_id', '=', scheduleId)
		.where('kind', '=', 'scheduled')
		.executeTakeFirstOrThrow();
	return Number(r.n);
}

/** Pauses a schedule: no waves are created while it is paused. */
export async function pause(db: DbOrTrx, id: number, now: Date): Promise<void> {
	const r = await db
		.updateTable('schedules')
		.set({ paused_at: now, updated_at: now })
		.where('id', '=', id)
		.where('paused_at', 'is', null)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!r.numUpdatedRows && !(await get(db, id))) throw new ScheduleNotFoundError();
}

/** Resumes a paused schedule from now: occurrences that fell in the pause are skipped on purpose. */
export async function resume(db: DbOrTrx, id: number, now: Date): Promise<void> {
	const s = await get(db, id);
	if (!s) throw new ScheduleNotFoundError();
	if (!s.pausedAt) return;
	let next = nextAfter(
		s.cron,
		s.timeZone,
		now < s.startsAt ? new Date(s.startsAt.getTime() - 1) : now
	);
	if (next && s.endsAt && next > s.endsAt) next = null;
	next = await limitByWaves(db, id, s.maxWaves, next);
	await db
		.updateTable('schedules')
		.set({ paused_at: null, next_run_at: next, updated_at: now })
		.where('id', '=', id)
		.execute();
}

/** Archives a schedule (its waves and results stay). */
export async function archive(db: DbOrTrx, id: number, now: Date): Promise<void> {
	await db
		.updateTable('schedules')
		.set({ archived_at: now, next_run_at: null, updated_at: now })
		.where('id', '=', id)
		.execute();
}

function baseQuery(db: DbOrTrx) {
	return db
		.selectFrom('schedules')
		.innerJoin('surveys', 'surveys.id', 'schedules.survey_id')
		.innerJoin('segments', 'segments.id', 'schedules.segment_id')
		.selectAll('schedules')
		.select(['surveys.title as survey_title', 'segments.name as segment_name']);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toSchedule(r: Row): Schedule {
	const preset = (
		r.recurrence && (r.recurrence as { kind?: string }).kind !== 'custom'
			? r.recurrence
			: { kind: 'custom', cron: r.cron }
	) as Preset;
	return {
		id: r.id,
		name: r.name,
		surveyId: r.survey_id,
		surveyTitle: r.survey_title,
		segmentId: r.segment_id,
		segmentName: r.segment_name,
		cron: r.cron,
		preset,
		recurrenceText: describe(preset),
		timeZone: r.time_zone,
		startsAt: r.starts_at,
		endsAt: r.ends_at,
		maxWaves: r.max_waves,
		nextRunAt: r.next_run_at,
		pausedAt: r.paused_at,
		closeAfterDays: r.close_after_days,
		reminderDays: r.reminder_days,
		mailSubject: r.mail_subject,
		mailBody: r.mail_body,
		senderName: r.sender_name,
		isDemo: r.is_demo,
		createdAt: r.created_at
	};
}

/** One schedule (not archived), or undefined. */
export async function get(db: DbOrTrx, id: number): Promise<Schedule | undefined> {
	const r = await baseQuery(db)
		.where('schedules.id', '=', id)
		.where('schedules.archived_at', 'is', null)
		.executeTakeFirst();
	return r ? toSchedule(r) : undefined;
}

export interface ScheduleSummary extends Schedule {
	waveCount: number;
	lastWaveAt: Date | null;
}

/** Schedules, soonest next send first; paused and finished ones after. */
export async function list(
	db: DbOrTrx,
	opts: { limit: number; offset: number }
): Promise<{ items: ScheduleSummary[]; total: number }> {
	const rows = await baseQuery(db)
		.select([
			sql<number>`(select count(*) from waves w where w.schedule_id = schedules.id)`.as(
				'wave_count'
			),
			sql<Date | null>`(select max(w.scheduled_for) from waves w where w.schedule_id = schedules.id)`.as(
				'last_wave_at'
			)
		])
		.where('schedules.archived_at', 'is', null)
		.orderBy(sql`schedules.paused_at is not null`)
		.orderBy(sql`schedules.next_run_at asc nulls last`)
		.orderBy('schedules.id', 'desc')
		.limit(opts.limit)
		.offset(opts.offset)
		.execute();
	const total = await db
		.selectFrom('schedules')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('archived_at', 'is', null)
		.executeTakeFirstOrThrow();
	return {
		total: Number(total.n),
		items: rows.map((r) => ({
			...toSchedule(r),
			waveCount: Number(r.wave_count),
			lastWaveAt: r.last_wave_at ? new Date(r.last_wave_at) : null
		}))
	};
}

/** The form values that reproduce a schedule (for editing). */
export function toFormValues(s: Schedule): Record<string, string> {
	const p = s.preset;
	return {
		name: s.name,
		surveyId: String(s.surveyId),
		segmentId: String(s.segmentId),
		preset: p.kind,
		weekday: p.kind === 'weekly' ? String(p.weekday) : '1',
		day: p.kind === 'monthly' ? String(p.day) : '1',
		time: 'time' in p ? p.time : '09:00',
		cron: s.cron,
		timeZone: s.timeZone,
		startsOn: zonedDate(s.startsAt, s.timeZone),
		endsOn: s.endsAt ? zonedDate(s.endsAt, s.timeZone) : '',
		maxWaves: s.maxWaves ? String(s.maxWaves) : '',
		closeAfterDays: String(s.closeAfterDays),
		reminder1: s.reminderDays[0] ? String(s.reminderDays[0]) : '',
		reminder2: s.reminderDays[1] ? String(s.reminderDays[1]) : '',
		senderName: s.senderName,
		mailSubject: s.mailSubject,
		mailBody: s.mailBody
	};
}

/** The surveys (published ones first marked) and segments a schedule form offers. */
export async function formOptions(db: DbOrTrx): Promise<{
	surveys: { id: number; title: string; published: boolean }[];
	segments: { id: number; name: string }[];
}> {
	const surveys = await db
		.selectFrom('surveys')
		.select([
			'id',
			'title',
			sql<boolean>`exists (select 1 from survey_versions v where v.survey_id = surveys.id and v.status = 'published')`.as(
				'published'
			)
		])
		.where('archived_at', 'is', null)
		.where('is_template', '=', false)
		.orderBy('title')
		.limit(500)
		.execute();
	const segs = await db
		.selectFrom('segments')
		.select(['id', 'name'])
		.where('archived_at', 'is', null)
		.orderBy('name')
		.limit(500)
		.execute();
	return { surveys: surveys.map((s) => ({ ...s, published: !!s.published })), segments: segs };
}
