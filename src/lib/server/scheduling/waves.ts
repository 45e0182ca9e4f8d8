import { randomBytes } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db, DbOrTrx, Trx } from '../db';
import * as segments from '../segments';
import { latestPublishedVersionId } from '../surveys/published';
import { nextAfter, formatInZone } from './recurrence';
import { keyedToken, outboxInsert, sqlSha256, type MailTemplate } from './mailing';
import { ScheduleNotFoundError } from './schedules';

const DAY = 86_400_000;

/**
 * Creates the waves of every due occurrence (however late: ticks missed while nothing ran still
 * go out) and advances each schedule's stored next_run_at. Safe with many workers: each schedule
 * row is claimed with FOR UPDATE SKIP LOCKED and waves are unique per (schedule, occurrence).
 */
export async function tick(db: Db, now: Date, maxPerPass = 200): Promise<number> {
	let created = 0;
	for (let i = 0; i < maxPerPass; i++) {
		const done = await db.transaction().execute(async (trx) => {
			const s = await trx
				.selectFrom('schedules')
				.select([
					'id',
					'name',
					'survey_id',
					'segment_id',
					'cron',
					'time_zone',
					'next_run_at',
					'ends_at',
					'max_waves',
					'is_demo'
				])
				.where('next_run_at', '<=', now)
				.where('paused_at', 'is', null)
				.where('archived_at', 'is', null)
				.orderBy('next_run_at')
				.limit(1)
				.forUpdate()
				.skipLocked()
				.executeTakeFirst();
			if (!s || !s.next_run_at) return true;
			const occurrence = s.next_run_at;
			const ins = await trx
				.insertInto('waves')
				.values({
					schedule_id: s.id,
					survey_id: s.survey_id,
					segment_id: s.segment_id,
					kind: 'scheduled',
					name: `${s.name} · ${formatInZone(occurrence, s.time_zone)}`,
					scheduled_for: occurrence,
					is_demo: s.is_demo
				})
				.onConflict((oc) => oc.columns(['schedule_id', 'scheduled_for']).doNothing())
				.returning('id')
				.executeTakeFirst();
			if (ins) created++;
			let next = nextAfter(s.cron, s.time_zone, occurrence);
			if (next && s.ends_at && next > s.ends_at) next = null;
			if (next && s.max_waves !== null) {
				const n = await trx
					.selectFrom('waves')
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.where('schedule_id', '=', s.id)
					.where('kind', '=', 'scheduled')
					.executeTakeFirstOrThrow();
				if (Number(n.n) >= s.max_waves) next = null;
			}
			await trx
				.updateTable('schedules')
				.set({ next_run_at: next })
				.where('id', '=', s.id)
				.execute();
			return false;
		});
		if (done) break;
	}
	return created;
}

/** "Send a wave now": a one-off wave of the schedule, materialized by the next worker pass. */
export async function sendNow(db: DbOrTrx, scheduleId: number, now: Date): Promise<number> {
	const s = await db
		.selectFrom('schedules')
		.select(['id', 'name', 'survey_id', 'segment_id', 'is_demo', 'time_zone'])
		.where('id', '=', scheduleId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!s) throw new ScheduleNotFoundError();
	for (let bump = 0; ; bump++) {
		const at = new Date(now.getTime() + bump);
		const row = await db
			.insertInto('waves')
			.values({
				schedule_id: s.id,
				survey_id: s.survey_id,
				segment_id: s.segment_id,
				kind: 'manual',
				name: `${s.name} · sent now ${formatInZone(at, s.time_zone)}`,
				scheduled_for: at,
				is_demo: s.is_demo
			})
			.onConflict((oc) => oc.columns(['schedule_id', 'scheduled_for']).doNothing())
			.returning('id')
			.executeTakeFirst();
		if (row) return row.id;
	}
}

/** Marks due scheduled waves as materializing (visible in the UI before the work starts). */
async function promoteDue(db: Db, now: Date): Promise<void> {
	await db
		.updateTable('waves')
		.set({ status: 'materializing' })
		.where('status', '=', 'scheduled')
		.where('scheduled_for', '<=', now)
		.execute();
}

/**
 * Materializes due waves: snapshots each wave's segment into invitations and their e-mails in one
 * transaction (INSERT … SELECT … ON CONFLICT DO NOTHING). A crash rolls the transaction back and
 * the wave stays "materializing", so the next pass does it again from scratch.
 */
export async function materializeDue(db: Db, now: Date, maxWaves = 20): Promise<number[]> {
	await promoteDue(db, now);
	const done: number[] = [];
	for (let i = 0; i < maxWaves; i++) {
		const id = await db.transaction().execute(async (trx) => {
			const w = await trx
				.selectFrom('waves')
				.select('id')
				.where('status', '=', 'materializing')
				.orderBy('scheduled_for')
				.limit(1)
				.forUpdate()
				.skipLocked()
				.executeTakeFirst();
			if (!w) return null;
			await materializeLocked(trx, w.id, now);
			return w.id;
		});
		if (id === null) break;
		done.push(id);
	}
	return done;
}

/** Materializes one wave whose row the transaction holds locked. */
export async function materializeLocked(trx: Trx, waveId: number, now: Date): Promise<number> {
	const w = await trx
		.selectFrom('waves')
		.leftJoin('schedules', 'schedules.id', 'waves.schedule_id')
		.innerJoin('surveys', 'surveys.id', 'waves.survey_id')
		.select([
			'waves.id',
			'waves.survey_id',
			'waves.segment_id',
			'waves.status',
			'schedules.close_after_days',
			'schedules.mail_subject',
			'schedules.mail_body',
			'schedules.sender_name',
			'schedules.time_zone',
			'surveys.title'
		])
		.where('waves.id', '=', waveId)
		.executeTakeFirstOrThrow();
	if (w.status !== 'materializing' && w.status !== 'scheduled') return 0;
	const stop = async (note: string) => {
		await trx
			.updateTable('waves')
			.set({ status: 'closed', note, materialized_at: now, closed_at: now })
			.where('id', '=', waveId)
			.execute();
		return 0;
	};
	const versionId = await latestPublishedVersionId(trx, w.survey_id);
	if (!versionId) return stop('Not sent: the survey has no published version.');
	const segment = w.segment_id ? await segments.get(trx, w.segment_id) : undefined;
	if (!segment) return stop('Not sent: the segment no longer exists.');
	if (!w.mail_subject || !w.mail_body) return stop('Not sent: the wave has no e-mail template.');
	const closesAt = new Date(now.getTime() + (w.close_after_days ?? 14) * DAY);
	const t: MailTemplate = {
		subject: w.mail_subject,
		body: w.mail_body,
		senderName: w.sender_name ?? 'Soundings',
		surveyTitle: w.title,
		closesAt,
		timeZone: w.time_zone ?? 'UTC'
	};
	const members = segments.memberQuery(trx, segment, { now, applyContactCap: true });
	// One statement, no self-join: each token is a keyed hash of the customer id under a 256-bit
	// key from the CSPRNG that lives only in this statement, so the e-mail insert can recompute it
	// from the invitation row instead of joining a generated-token table (docs/decisions.md).
	const key = randomBytes(32).toString('hex');
	const token = (id: RawBuilder<number>) => keyedToken(key, waveId, id);
	await sql`with members as (${members}),
		ins as (
			insert into invitations (wave_id, customer_id, token_hash, created_at)
			select ${waveId}, m.customer_id, ${sqlSha256(token(sql`m.customer_id`))}, ${now}::timestamptz
			from members m
			on conflict do nothing
			returning id, customer_id
		),
		gen as (select ins.id, ins.customer_id, ${token(sql`ins.customer_id`)} as token from ins)
		${outboxInsert('invitation', '', t, waveId, now)}`.execute(trx);
	const count = await trx
		.selectFrom('invitations')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('wave_id', '=', waveId)
		.executeTakeFirstOrThrow();
	await trx
		.updateTable('waves')
		.set({
			status: 'sending',
			version_id: versionId,
			invited_count: Number(count.n),
			materialized_at: now,
			closes_at: closesAt
		})
		.where('id', '=', waveId)
		.execute();
	return Number(count.n);
}

/** Waves whose e-mails have all left the outbox (sent or given up) become open. */
export async function openSent(db: DbOrTrx): Promise<void> {
	await db
		.updateTable('waves')
		.set({ status: 'open' })
		.where('status', '=', 'sending')
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('outbox')
						.select(sql`1`.as('one'))
						.whereRef('outbox.wave_id', '=', 'waves.id')
						.where('outbox.status', 'in', ['pending', 'sending'])
				)
			)
		)
		.execute();
}

/** Closes waves whose open period ended; their links then show "this survey has closed". */
export async function closeDue(db: DbOrTrx, now: Date): Promise<number> {
	const r = await db
		.updateTable('waves')
		.set({ status: 'closed', closed_at: now })
		.where('status', 'in', ['open', 'sending'])
		.where('closes_at', '<=', now)
		.executeTakeFirst();
	return Number(r.numUpdatedRows);
}

/** Closes one open wave of a schedule now; false when it is not an open wave of that schedule. */
export async function closeOfSchedule(
	db: DbOrTrx,
	scheduleId: number,
	waveId: number,
	now: Date
): Promise<boolean> {
	const r = await db
		.updateTable('waves')
		.set({ status: 'closed', closed_at: now, closes_at: now })
		.where('id', '=', waveId)
		.where('schedule_id', '=', scheduleId)
		.where('status', 'in', ['open', 'sending'])
		.executeTakeFirst();
	return Number(r.numUpdatedRows) > 0;
}

export interface WaveStats {
	id: number;
	name: string;
	kind: string;
	status: string;
	note: string;
	scheduledFor: Date;
	sentAt: Date | null;
	closesAt: Date | null;
	invited: number;
	delivered: number;
	opened: number;
	started: number;
	completed: number;
	/** completed / invited, 0–1 (null with nobody invited) */
	responseRate: number | null;
	versionNumber: number | null;
}

/** The waves of a schedule with their funnel, newest first. */
export async function listForSchedule(
	db: DbOrTrx,
	scheduleId: number,
	opts: { limit: number; offset: number }
): Promise<{ items: WaveStats[]; total: number }> {
	const rows = await db
		.selectFrom('waves')
		.leftJoin('survey_versions', 'survey_versions.id', 'waves.version_id')
		.select([
			'waves.id',
			'waves.name',
			'waves.kind',
			'waves.status',
			'waves.note',
			'waves.scheduled_for',
			'waves.materialized_at',
			'waves.closes_at',
			'survey_versions.number as version_number',
			sql<number>`(select count(*) from invitations i where i.wave_id = waves.id)`.as('invited'),
			sql<number>`(select count(*) from invitations i where i.wave_id = waves.id and i.delivered_at is not null)`.as(
				'delivered'
			),
			sql<number>`(select count(*) from invitations i where i.wave_id = waves.id and i.opened_at is not null)`.as(
				'opened'
			),
			sql<number>`(select count(*) from invitations i where i.wave_id = waves.id and i.started_at is not null)`.as(
				'started'
			),
			sql<number>`(select count(*) from invitations i where i.wave_id = waves.id and i.completed_at is not null)`.as(
				'completed'
			)
		])
		.where('waves.schedule_id', '=', scheduleId)
		.orderBy('waves.scheduled_for', 'desc')
		.orderBy('waves.id', 'desc')
		.limit(opts.limit)
		.offset(opts.offset)
		.execute();
	const total = await db
		.selectFrom('waves')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('schedule_id', '=', scheduleId)
		.executeTakeFirstOrThrow();
	return {
		total: Number(total.n),
		items: rows.map((r) => {
			const invited = Number(r.invited);
			const completed = Number(r.completed);
			return {
				id: r.id,
				name: r.name,
				kind: r.kind,
				status: r.status,
				note: r.note,
				scheduledFor: r.scheduled_for,
				sentAt: r.materialized_at,
				closesAt: r.closes_at,
				invited,
				delivered: Number(r.delivered),
				opened: Number(r.opened),
				started: Number(r.started),
				completed,
				responseRate: invited ? completed / invited : null,
				versionNumber: r.version_number
			};
		})
	};
}
