import { sql } from 'kysely';
import { json } from '../db/json';
import * as segments from '../segments';
import { latestPublishedVersionId } from '../surveys/published';
import { recurrence } from '../scheduling';
import { DEFAULT_BODY, DEFAULT_SUBJECT } from '$lib/schemas/schedules';
import type { DemoContext } from './context';

const DAY = 86_400_000;
const TZ = 'Europe/Berlin';
const CRON = '0 9 * 1,4,7,10 1#1';

/**
 * Demo schedule: the quarterly survey to the "completed an order" segment, quarterly on the first
 * Monday at 09:00 Berlin time, with its four past waves and their invitations (ctx.waveIds).
 * Past waves are at least 31 days old, so the contact cap lets "Send a wave now" invite people.
 */
export async function seed(ctx: DemoContext): Promise<void> {
	const { db, now } = ctx;
	const surveyId = ctx.surveyIds.quarterly;
	const segmentId = ctx.segmentIds.completed;
	if (surveyId === undefined || segmentId === undefined) return;
	const versionId = await latestPublishedVersionId(db, surveyId);
	const segment = await segments.get(db, segmentId);
	if (!versionId || !segment) return;

	// the four most recent quarterly occurrences at least 31 days ago, oldest first
	const past = recurrence
		.nextRuns(CRON, TZ, new Date(now.getTime() - 500 * DAY), 8)
		.filter((d) => d.getTime() <= now.getTime() - 31 * DAY)
		.slice(-4);
	const startsAt = new Date(past[0].getTime() - DAY);
	const closeAfterDays = 60;
	const schedule = await db
		.insertInto('schedules')
		.values({
			name: 'Quarterly customer survey',
			survey_id: surveyId,
			segment_id: segmentId,
			cron: CRON,
			recurrence: json({ kind: 'quarterly', time: '09:00' }),
			time_zone: TZ,
			starts_at: startsAt,
			next_run_at: recurrence.nextAfter(CRON, TZ, now),
			close_after_days: closeAfterDays,
			reminder_days: json([5, 5]),
			mail_subject: DEFAULT_SUBJECT,
			mail_body: DEFAULT_BODY,
			sender_name: 'The Soundings demo shop',
			created_by: ctx.adminId,
			is_demo: true
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	ctx.scheduleIds.quarterly = schedule.id;

	const members = segments.memberQuery(db, segment, { now, applyContactCap: false });
	for (const at of past) {
		const closesAt = new Date(at.getTime() + closeAfterDays * DAY);
		const open = closesAt > now;
		const wave = await db
			.insertInto('waves')
			.values({
				schedule_id: schedule.id,
				survey_id: surveyId,
				version_id: versionId,
				segment_id: segmentId,
				kind: 'scheduled',
				name: `Quarterly customer survey · ${recurrence.formatInZone(at, TZ)}`,
				scheduled_for: at,
				status: open ? 'open' : 'closed',
				materialized_at: at,
				closes_at: closesAt,
				closed_at: open ? null : closesAt,
				is_demo: true
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		// past invitations: tokens are random and unknown (their e-mails were sent long ago)
		await sql`insert into invitations (wave_id, customer_id, token_hash, created_at, sent_at,
				delivered_at, opened_at, reminders_sent, last_reminded_at)
			select ${wave.id}, m.customer_id,
				encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex'),
				${at}::timestamptz, ${at}::timestamptz,
				case when random() < 0.97 then ${at}::timestamptz end,
				case when random() < 0.8 then ${at}::timestamptz + random() * interval '4 days' end,
				1, ${at}::timestamptz + interval '5 days'
			from (${members}) m`.execute(db);
		const n = await db
			.selectFrom('invitations')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('wave_id', '=', wave.id)
			.executeTakeFirstOrThrow();
		await db
			.updateTable('waves')
			.set({ invited_count: Number(n.n) })
			.where('id', '=', wave.id)
			.execute();
		ctx.waveIds.push(wave.id);
	}
	ctx.log(`Demo: a quarterly schedule with ${past.length} past waves.`);
}
