import type { Db, Trx } from '../db';
import * as mail from '../mail';
import { randomToken, sha256 } from '../crypto';
import { globalCapDays } from '../segments';
import { latestPublishedVersionId, loadPublished } from '../surveys/published';
import { baseUrl, unsubscribeHeaders, unsubscribeLink } from '../scheduling/links';
import { oneClickAnswers, render } from './mail';

// Turning due trigger sends into invitations + outbox mail. A pass claims due rows with
// FOR UPDATE SKIP LOCKED, so N workers each take different rows; the invitation, the e-mail and
// the row's new status are written in one transaction, so a crash leaves the row pending.

/** Days after the end of its month that a rolling wave stays open for answers. */
export const ROLLING_GRACE_DAYS = 14;

/** The first instant of the UTC calendar month of `at`. */
export function monthStart(at: Date): Date {
	return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/**
 * This month's rolling wave of a trigger, created once (the partial unique index
 * waves_rolling_once makes concurrent workers agree). Undefined when the survey has no published
 * version yet and no wave exists.
 */
export async function rollingWave(
	trx: Trx,
	trigger: { id: number; name: string; survey_id: number; is_demo: boolean },
	now: Date
): Promise<
	{ id: number; status: string; version_id: number | null; closes_at: Date | null } | undefined
> {
	const start = monthStart(now);
	const find = () =>
		trx
			.selectFrom('waves')
			.select(['id', 'status', 'version_id', 'closes_at'])
			.where('trigger_id', '=', trigger.id)
			.where('kind', '=', 'rolling')
			.where('scheduled_for', '=', start)
			.executeTakeFirst();
	const existing = await find();
	if (existing) return existing;
	const versionId = await latestPublishedVersionId(trx, trigger.survey_id);
	if (!versionId) return undefined;
	const next = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
	await trx
		.insertInto('waves')
		.values({
			trigger_id: trigger.id,
			survey_id: trigger.survey_id,
			version_id: versionId,
			kind: 'rolling',
			name: `${trigger.name} · ${start.toISOString().slice(0, 7)}`,
			scheduled_for: start,
			status: 'open',
			closes_at: new Date(next.getTime() + ROLLING_GRACE_DAYS * 86_400_000),
			materialized_at: now,
			is_demo: trigger.is_demo
		})
		.onConflict((oc) =>
			oc.columns(['trigger_id', 'scheduled_for']).where('kind', '=', 'rolling').doNothing()
		)
		.execute();
	return find();
}

type Outcome = { status: 'sent'; invitationId: number } | { status: 'skipped'; reason: string };

async function processOne(
	trx: Trx,
	row: { id: number; trigger_id: number; customer_id: number; event_id: number },
	now: Date,
	capDays: number
): Promise<Outcome> {
	const t = await trx
		.selectFrom('triggers')
		.innerJoin('surveys', 'surveys.id', 'triggers.survey_id')
		.select([
			'triggers.id',
			'triggers.name',
			'triggers.survey_id',
			'triggers.once_per_days',
			'triggers.mail_subject',
			'triggers.mail_body',
			'triggers.sender_name',
			'triggers.paused_at',
			'triggers.archived_at',
			'triggers.is_demo',
			'surveys.title as survey_title',
			'surveys.archived_at as survey_archived_at'
		])
		.where('triggers.id', '=', row.trigger_id)
		.executeTakeFirstOrThrow();
	if (t.archived_at) return { status: 'skipped', reason: 'The trigger was archived.' };
	if (t.paused_at) return { status: 'skipped', reason: 'The trigger was paused.' };
	if (t.survey_archived_at) return { status: 'skipped', reason: 'The survey was archived.' };
	const c = await trx
		.selectFrom('customers')
		.select(['id', 'email', 'name', 'unsubscribed_at', 'erased_at'])
		.where('id', '=', row.customer_id)
		.forUpdate() // one customer's sends are decided one at a time (contact cap across workers)
		.executeTakeFirst();
	if (!c || c.erased_at) return { status: 'skipped', reason: 'The customer was erased.' };
	if (c.unsubscribed_at) return { status: 'skipped', reason: 'The customer unsubscribed.' };
	if (!c.email) return { status: 'skipped', reason: 'The customer has no e-mail address.' };
	if (t.once_per_days > 0) {
		const recent = await trx
			.selectFrom('invitations')
			.innerJoin('waves', 'waves.id', 'invitations.wave_id')
			.select('invitations.id')
			.where('waves.trigger_id', '=', t.id)
			.where('invitations.customer_id', '=', c.id)
			.where('invitations.created_at', '>', new Date(now.getTime() - t.once_per_days * 86_400_000))
			.limit(1)
			.executeTakeFirst();
		if (recent)
			return {
				status: 'skipped',
				reason: `Already asked by this trigger within ${t.once_per_days} days.`
			};
	}
	if (capDays > 0) {
		const recent = await trx
			.selectFrom('invitations')
			.select('id')
			.where('customer_id', '=', c.id)
			.where('created_at', '>', new Date(now.getTime() - capDays * 86_400_000))
			.limit(1)
			.executeTakeFirst();
		if (recent)
			return {
				status: 'skipped',
				reason: `Contacted within the last ${capDays} days (contact-frequency cap).`
			};
	}
	const wave = await rollingWave(trx, t, now);
	if (!wave || !wave.version_id)
		return { status: 'skipped', reason: 'The survey has no published version.' };
	if (wave.status === 'closed')
		return { status: 'skipped', reason: "This month's rolling wave was closed." };
	const token = randomToken();
	const inv = await trx
		.insertInto('invitations')
		.values({ wave_id: wave.id, customer_id: c.id, token_hash: sha256(token), created_at: now })
		.onConflict((oc) => oc.columns(['wave_id', 'customer_id']).doNothing())
		.returning('id')
		.executeTakeFirst();
	if (!inv) return { status: 'skipped', reason: "Already invited in this month's wave." };
	await trx
		.updateTable('waves')
		.set((eb) => ({ invited_count: eb('invited_count', '+', 1) }))
		.where('id', '=', wave.id)
		.execute();
	const version = await loadPublished(trx, wave.version_id);
	const base = baseUrl();
	const m = render({
		subject: t.mail_subject,
		body: t.mail_body,
		senderName: t.sender_name,
		surveyTitle: t.survey_title,
		customerName: c.name,
		closesAt: wave.closes_at,
		base,
		token,
		oneClick: version ? oneClickAnswers(version.definition) : null
	});
	await mail.enqueue(trx, {
		kind: 'invitation',
		idempotencyKey: `invitation:${inv.id}:trigger`,
		to: c.email,
		toName: c.name,
		fromName: t.sender_name,
		subject: m.subject,
		text: m.text,
		html: m.html,
		headers: unsubscribeHeaders(unsubscribeLink(base, token)),
		invitationId: inv.id,
		waveId: wave.id,
		notBefore: now
	});
	return { status: 'sent', invitationId: inv.id };
}

/** Sends (or skips, with the reason) every due trigger send; returns how many were handled. */
export async function sendDue(db: Db, now: Date, batch = 100): Promise<number> {
	return db.transaction().execute(async (trx) => {
		const rows = await trx
			.selectFrom('trigger_sends')
			.select(['id', 'trigger_id', 'customer_id', 'event_id'])
			.where('status', '=', 'pending')
			.where('due_at', '<=', now)
			.orderBy('due_at')
			.orderBy('id')
			.limit(batch)
			.forUpdate()
			.skipLocked()
			.execute();
		if (rows.length === 0) return 0;
		const capDays = await globalCapDays(trx);
		for (const row of rows) {
			const outcome = await processOne(trx, row, now, capDays);
			await trx
				.updateTable('trigger_sends')
				.set({
					status: outcome.status,
					processed_at: now,
					invitation_id: outcome.status === 'sent' ? outcome.invitationId : null,
					skip_reason: outcome.status === 'skipped' ? outcome.reason : null
				})
				.where('id', '=', row.id)
				.execute();
		}
		return rows.length;
	});
}
