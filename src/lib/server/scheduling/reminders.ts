import { sql } from 'kysely';
import type { Db } from '../db';
import { outboxInsert, sqlSha256, sqlToken, type MailTemplate } from './mailing';

const DAY = 86_400_000;

/**
 * Sends due reminders to invitees who have not completed: reminder k goes out once the sum of the
 * schedule's first k reminder delays has passed since the wave was sent, while the wave is open.
 * Each reminder carries a fresh token (stored hashed in invitation_tokens) so its link works
 * although the first token was never stored. A row is claimed by moving reminders_sent from k to
 * k + 1 in the same statement that writes the e-mail, so N workers send each reminder once.
 */
export async function sendDue(db: Db, now: Date): Promise<number> {
	const waves = await db
		.selectFrom('waves')
		.innerJoin('schedules', 'schedules.id', 'waves.schedule_id')
		.innerJoin('surveys', 'surveys.id', 'waves.survey_id')
		.select([
			'waves.id',
			'waves.materialized_at',
			'waves.closes_at',
			'schedules.reminder_days',
			'schedules.mail_subject',
			'schedules.mail_body',
			'schedules.sender_name',
			'schedules.time_zone',
			'surveys.title'
		])
		.where('waves.status', 'in', ['sending', 'open'])
		.where('waves.materialized_at', 'is not', null)
		.where(sql<boolean>`jsonb_array_length(schedules.reminder_days) > 0`)
		.execute();
	let sent = 0;
	for (const w of waves) {
		if (!w.materialized_at || (w.closes_at && w.closes_at <= now)) continue;
		const t: MailTemplate = {
			subject: w.mail_subject,
			body: w.mail_body,
			senderName: w.sender_name,
			surveyTitle: w.title,
			closesAt: w.closes_at,
			timeZone: w.time_zone
		};
		let offset = 0;
		for (let k = 0; k < Math.min(2, w.reminder_days.length); k++) {
			offset += w.reminder_days[k] * DAY;
			if (now.getTime() < w.materialized_at.getTime() + offset) break;
			const r = await db.transaction().execute((trx) =>
				sql`with due as (
						select i.id from invitations i
						join customers c on c.id = i.customer_id
						where i.wave_id = ${w.id} and i.reminders_sent = ${k} and i.completed_at is null
							and c.unsubscribed_at is null and c.erased_at is null and c.email is not null
						for update of i skip locked
					),
					upd as (
						update invitations set reminders_sent = ${k + 1}, last_reminded_at = ${now}::timestamptz
						from due where invitations.id = due.id and invitations.reminders_sent = ${k}
						returning invitations.id, invitations.customer_id
					),
					gen as materialized (select upd.id, upd.customer_id, ${sqlToken} as token from upd),
					tok as (
						insert into invitation_tokens (token_hash, invitation_id, purpose, created_at)
						select ${sqlSha256(sql`gen.token`)}, gen.id, ${'reminder-' + (k + 1)}, ${now}::timestamptz from gen
					)
					${outboxInsert('reminder', ':' + (k + 1), t, w.id, now)}`.execute(trx)
			);
			sent += Number(r.numAffectedRows ?? 0);
		}
	}
	return sent;
}
