import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../db';
import { json } from '../db/json';
import * as mail from '../mail';
import { escapeHtml } from '../mail/template';
import { baseUrl } from '../scheduling/links';
import * as webhooks from '../webhooks';
import { assignmentSchema, type AssignmentRule } from '$lib/schemas/triggers';

// Closing the loop: who gets a new follow-up (a fixed owner, or round-robin among chosen users),
// the owner's e-mail through the outbox, and the webhooks, in one transaction: the completion
// queue's flush for follow-ups a submit opened, the changing transaction for one reopened.

const RULE_KEY = 'follow_up.assignment';
const CURSOR_KEY = 'follow_up.assignment.cursor';

export const NO_RULE: AssignmentRule = { mode: 'none', user_ids: [], notify: false };

// The rule as a transaction read it (a submit asks early, so the read shares a round trip).
const perTransaction = new WeakMap<object, Promise<AssignmentRule>>();

/** The follow-up assignment rule (none until an admin sets one); read once per transaction. */
export function getRule(db: DbOrTrx): Promise<AssignmentRule> {
	if (!db.isTransaction) return readRule(db);
	let rule = perTransaction.get(db);
	if (!rule) {
		rule = readRule(db);
		perTransaction.set(db, rule);
	}
	return rule;
}

async function readRule(db: DbOrTrx): Promise<AssignmentRule> {
	const row = await db
		.selectFrom('settings')
		.select('value')
		.where('key', '=', RULE_KEY)
		.executeTakeFirst();
	const parsed = assignmentSchema.safeParse(row?.value);
	return parsed.success ? parsed.data : NO_RULE;
}

/** Saves the rule (validated by assignmentSchema; users must exist). */
export async function setRule(db: DbOrTrx, rule: AssignmentRule): Promise<void> {
	perTransaction.delete(db);
	await db
		.insertInto('settings')
		.values({ key: RULE_KEY, value: json(rule) })
		.onConflict((oc) =>
			oc
				.column('key')
				.doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: new Date() }))
		)
		.execute();
}

/** The next user in the round-robin (an atomic counter, so concurrent follow-ups alternate). */
async function nextInRotation(trx: DbOrTrx, userIds: number[]): Promise<number | null> {
	const active = await trx
		.selectFrom('users')
		.select('id')
		.where('id', 'in', userIds)
		.where('disabled_at', 'is', null)
		.execute();
	const ids = userIds.filter((id) => active.some((u) => u.id === id));
	if (ids.length === 0) return null;
	const row = await sql<{ n: number }>`
		insert into settings (key, value) values (${CURSOR_KEY}, '0'::jsonb)
		on conflict (key) do update set value = to_jsonb(((settings.value #>> '{}')::bigint + 1)), updated_at = now()
		returning (value #>> '{}')::bigint as n`.execute(trx);
	return ids[Number(row.rows[0].n) % ids.length];
}

/**
 * Called once when a follow-up opens: assigns it by the rule (unless already assigned), queues
 * the owner's notification e-mail when configured, and queues the follow_up.opened webhooks.
 * Returns the assignee's id or null.
 */
export async function onFollowUpOpened(
	trx: Trx,
	followUpId: number,
	now: Date
): Promise<number | null> {
	const rule = await getRule(trx);
	const f = await trx
		.selectFrom('follow_ups')
		.innerJoin('surveys', 'surveys.id', 'follow_ups.survey_id')
		.leftJoin('customers', 'customers.id', 'follow_ups.customer_id')
		.select([
			'follow_ups.id',
			'follow_ups.assignee_id',
			'follow_ups.reason',
			'follow_ups.survey_id',
			'surveys.title',
			'customers.name as customer_name',
			'customers.email as customer_email',
			'customers.external_id'
		])
		.where('follow_ups.id', '=', followUpId)
		.executeTakeFirst();
	if (!f) return null;
	let assignee = f.assignee_id;
	if (assignee === null && rule.mode !== 'none') {
		assignee =
			rule.mode === 'owner' ? (rule.owner_id ?? null) : await nextInRotation(trx, rule.user_ids);
		if (assignee !== null) {
			const user = await trx
				.selectFrom('users')
				.select('id')
				.where('id', '=', assignee)
				.where('disabled_at', 'is', null)
				.executeTakeFirst();
			if (!user) assignee = null;
			else
				await trx
					.updateTable('follow_ups')
					.set({ assignee_id: assignee, updated_at: now })
					.where('id', '=', followUpId)
					.execute();
		}
	}
	if (assignee !== null && rule.notify) {
		const owner = await trx
			.selectFrom('users')
			.select(['email', 'name'])
			.where('id', '=', assignee)
			.executeTakeFirst();
		if (owner) {
			const who = f.customer_name || f.customer_email || f.external_id || 'an anonymous respondent';
			const link = `${baseUrl()}/results/${f.survey_id}/follow-ups`;
			const text =
				`Hello ${owner.name || 'there'},\n\nA new follow-up on “${f.title}” is assigned to you.\n\n` +
				`Customer: ${who}\nWhy: ${f.reason}\n\nOpen the follow-up queue: ${link}\n`;
			const html =
				'<!doctype html>\n<html><head><meta charset="utf-8"></head><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">\n' +
				`<p>Hello ${escapeHtml(owner.name || 'there')},</p>\n<p>A new follow-up on “${escapeHtml(f.title)}” is assigned to you.</p>\n` +
				`<p>Customer: ${escapeHtml(who)}<br>\nWhy: ${escapeHtml(f.reason)}</p>\n` +
				`<p><a href="${escapeHtml(link)}">Open the follow-up queue</a></p>\n</body></html>\n`;
			await mail.enqueue(trx, {
				kind: 'follow_up',
				idempotencyKey: `follow-up:${followUpId}:assigned:${assignee}`,
				to: owner.email,
				toName: owner.name,
				fromName: 'Soundings',
				subject: `New follow-up: ${f.title}`.replace(/[\r\n]+/g, ' '),
				text,
				html,
				notBefore: now
			});
		}
	}
	await webhooks.followUpOpened(trx, followUpId, now);
	return assignee;
}

/** Users who can own follow-ups (not disabled), for the rule form. */
export async function candidates(
	db: DbOrTrx
): Promise<{ id: number; name: string; email: string; role: string }[]> {
	return db
		.selectFrom('users')
		.select(['id', 'name', 'email', 'role'])
		.where('disabled_at', 'is', null)
		.orderBy('name')
		.orderBy('email')
		.execute();
}
