import type { Db, Trx } from '../db';
import type { Clock } from '../clock';
import * as mail from '../mail';
import { baseUrl } from '../scheduling/links';
import { build } from './data';
import { render } from './digest';

// Digest rounds: one `report_digest_runs` row per closed wave (and per week of an open wave) is
// claimed with a unique key; the mails of the round go into the outbox in the same transaction,
// each with its own idempotency key, so every subscriber gets one digest per wave however many
// workers run and however often they retry.

/** Closed waves older than this get no digest (e.g. after a long outage, or on upgrade). */
export const CLOSED_HORIZON_DAYS = 7;
const WEEK_MS = 7 * 86_400_000;

/** The outbox key of one digest mail. */
export function digestKey(
	kind: 'closed' | 'weekly',
	waveId: number,
	period: string,
	userId: number
) {
	return `digest:${kind}:${waveId}:${period || '-'}:${userId}`;
}

/** Sends the digests of waves that closed since the last pass; returns how many mails were queued. */
export async function sendClosed(db: Db, clock: Clock): Promise<number> {
	const now = clock.now();
	const waves = await db
		.selectFrom('waves as w')
		.leftJoin('report_digest_runs as r', (j) =>
			j.onRef('r.wave_id', '=', 'w.id').on('r.kind', '=', 'closed')
		)
		.select(['w.id', 'w.survey_id'])
		.where('w.status', '=', 'closed')
		.where('w.closed_at', '>', new Date(now.getTime() - CLOSED_HORIZON_DAYS * 86_400_000))
		// a wave closed without sending (e.g. no published version) has nothing to report
		.where((eb) =>
			eb.or([
				eb('w.invited_count', '>', 0),
				eb.exists(
					eb.selectFrom('invitations as i').select('i.id').whereRef('i.wave_id', '=', 'w.id')
				)
			])
		)
		.where('r.id', 'is', null)
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('report_subscriptions as s')
					.select('s.id')
					.whereRef('s.survey_id', '=', 'w.survey_id')
					.where('s.on_close', '=', true)
			)
		)
		.orderBy('w.closed_at')
		.limit(20)
		.execute();
	let queued = 0;
	for (const w of waves) queued += await runRound(db, now, w.id, w.survey_id, 'closed', '');
	return queued;
}

/** The week of an open wave that `now` falls in: 1 one week after it was sent, then 2, …; 0 before. */
export function weekOfWave(sentAt: Date, now: Date): number {
	return Math.floor((now.getTime() - sentAt.getTime()) / WEEK_MS);
}

/** Sends the weekly digests of open waves (one per full week since the wave went out). */
export async function sendWeekly(db: Db, clock: Clock): Promise<number> {
	const now = clock.now();
	const waves = await db
		.selectFrom('waves as w')
		.select(['w.id', 'w.survey_id', 'w.scheduled_for', 'w.materialized_at'])
		.where('w.status', '=', 'open')
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('report_subscriptions as s')
					.select('s.id')
					.whereRef('s.survey_id', '=', 'w.survey_id')
					.where('s.weekly', '=', true)
			)
		)
		.orderBy('w.id')
		.limit(100)
		.execute();
	let queued = 0;
	for (const w of waves) {
		const week = weekOfWave(w.materialized_at ?? w.scheduled_for, now);
		if (week < 1) continue;
		queued += await runRound(db, now, w.id, w.survey_id, 'weekly', `week-${week}`);
	}
	return queued;
}

async function runRound(
	db: Db,
	now: Date,
	waveId: number,
	surveyId: number,
	kind: 'closed' | 'weekly',
	period: string
): Promise<number> {
	return db.transaction().execute(async (trx) => {
		// the claim: a second worker's insert waits for this transaction, then does nothing
		const run = await trx
			.insertInto('report_digest_runs')
			.values({ wave_id: waveId, kind, period, created_at: now })
			.onConflict((oc) => oc.columns(['wave_id', 'kind', 'period']).doNothing())
			.returning('id')
			.executeTakeFirst();
		if (!run) return 0;
		const queued = await enqueueRound(trx, { waveId, surveyId, kind, period, now });
		await trx
			.updateTable('report_digest_runs')
			.set({ recipients: queued })
			.where('id', '=', run.id)
			.execute();
		return queued;
	});
}

/** Renders and enqueues one round's mails for the survey's active subscribers. */
export async function enqueueRound(
	trx: Trx,
	input: { waveId: number; surveyId: number; kind: 'closed' | 'weekly'; period: string; now: Date }
): Promise<number> {
	const subscribers = await trx
		.selectFrom('report_subscriptions as s')
		.innerJoin('users as u', 'u.id', 's.user_id')
		.select(['u.id', 'u.email', 'u.name'])
		.where('s.survey_id', '=', input.surveyId)
		.where(input.kind === 'closed' ? 's.on_close' : 's.weekly', '=', true)
		.where('u.disabled_at', 'is', null)
		.orderBy('u.id')
		.execute();
	if (subscribers.length === 0) return 0;
	const data = await build(trx, input.surveyId, { waveId: input.waveId, now: input.now });
	const base = baseUrl();
	let queued = 0;
	for (const u of subscribers) {
		const digest = render(data, {
			kind: input.kind,
			dashboardUrl: `${base}/results/${input.surveyId}`,
			profileUrl: `${base}/profile`,
			recipientName: u.name
		});
		const id = await mail.enqueue(trx, {
			kind: 'digest',
			idempotencyKey: digestKey(input.kind, input.waveId, input.period, u.id),
			to: u.email,
			toName: u.name,
			subject: digest.subject,
			text: digest.text,
			html: digest.html,
			waveId: input.waveId
		});
		if (id !== null) queued++;
	}
	return queued;
}

/** How many digests each wave of a survey has produced, for the report page. */
export async function history(
	db: Db,
	surveyId: number
): Promise<
	{ waveId: number; waveName: string; kind: string; period: string; recipients: number; at: Date }[]
> {
	const rows = await db
		.selectFrom('report_digest_runs as r')
		.innerJoin('waves as w', 'w.id', 'r.wave_id')
		.select(['r.wave_id', 'w.name', 'r.kind', 'r.period', 'r.recipients', 'r.created_at'])
		.where('w.survey_id', '=', surveyId)
		.orderBy('r.created_at', 'desc')
		.limit(20)
		.execute();
	return rows.map((r) => ({
		waveId: r.wave_id,
		waveName: r.name,
		kind: r.kind,
		period: r.period,
		recipients: r.recipients,
		at: r.created_at
	}));
}
