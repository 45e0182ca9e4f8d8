import { sql, type RawBuilder } from 'kysely';
import type { Db, DbOrTrx } from '../db';
import * as mail from '../mail';
import { compileSql, render, type SqlValues } from '../mail/template';
import { randomToken } from '../crypto';
import { baseUrl, surveyLink, unsubscribeHeaders, unsubscribeLink } from './links';

// Writing invitation and reminder e-mails set-based: a token per row is generated in SQL
// (two UUIDv4 = 244 random bits from PostgreSQL's CSPRNG), only its SHA-256 is stored with the
// invitation, and the raw token goes only into the e-mail written in the same statement.

/** A fresh 64-hex-character token from two random UUIDs (SQL). */
export const sqlToken = sql<string>`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`;
/**
 * A 64-hex-character token: SHA-256 of the wave and customer ids framed by a 256-bit random key
 * (the key on both sides rules out length extension). Unguessable without the key, which exists
 * only for one statement and is never stored.
 */
export function keyedToken(
	key: string,
	waveId: number,
	id: RawBuilder<number>
): RawBuilder<string> {
	return sql<string>`encode(sha256(convert_to(${key}::text || ':' || ${waveId}::text || ':' || ${id}::text || ':' || ${key}::text, 'UTF8')), 'hex')`;
}
/** sha256 hex of a SQL text expression: equals crypto.sha256 in the app. */
export const sqlSha256 = (e: RawBuilder<string>) =>
	sql<string>`encode(sha256(convert_to(${e}, 'UTF8')), 'hex')`;

export interface MailTemplate {
	subject: string;
	body: string;
	senderName: string;
	surveyTitle: string;
	closesAt: Date | null;
	timeZone: string;
}

export function formatCloseDate(at: Date | null, timeZone: string): string {
	if (!at) return 'further notice';
	return new Intl.DateTimeFormat('en-GB', {
		timeZone,
		day: 'numeric',
		month: 'long',
		year: 'numeric'
	}).format(at);
}

/** SQL placeholder values for rows with `c` = customers and `g.token` = the row's token. */
export function sqlValues(t: MailTemplate, base: string): SqlValues {
	const name = sql<string>`coalesce(nullif(btrim(c.name), ''), 'there')`;
	return {
		name,
		first_name: sql<string>`split_part(${name}, ' ', 1)`,
		link: sql<string>`${base + '/s/'}::text || g.token`,
		unsubscribe_link: sql<string>`${base + '/u/'}::text || g.token`,
		survey_title: sql<string>`${t.surveyTitle}::text`,
		sender_name: sql<string>`${t.senderName}::text`,
		close_date: sql<string>`${formatCloseDate(t.closesAt, t.timeZone)}::text`
	};
}

/**
 * The INSERT … SELECT that writes one outbox row per row of `gen` (columns id = invitation id,
 * customer_id, token), joined to customers as `c`. Used after the CTEs that create the rows.
 */
export function outboxInsert(
	kind: 'invitation' | 'reminder',
	keySuffix: string,
	t: MailTemplate,
	waveId: number,
	now: Date
): RawBuilder<unknown> {
	const base = baseUrl();
	const v = sqlValues(t, base);
	const subjectTemplate = kind === 'reminder' ? `Reminder: ${t.subject}` : t.subject;
	const e = compileSql({ subject: subjectTemplate, body: t.body }, v);
	return sql`insert into outbox (kind, idempotency_key, to_address, to_name, from_name, subject,
			text_body, html_body, headers, invitation_id, wave_id, next_attempt_at)
		select ${kind}, ${kind + ':'}::text || g.id || ${keySuffix}::text, c.email, c.name, ${t.senderName},
			${e.subject}, ${e.text}, ${e.html},
			jsonb_build_object('List-Unsubscribe', '<' || ${v.unsubscribe_link} || '>',
				'List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'),
			g.id, ${waveId}, ${now}::timestamptz
		from gen g join customers c on c.id = g.customer_id
		where c.email is not null
		on conflict (idempotency_key) do nothing`;
}

/** Queues a test e-mail of a template to one address (links are examples and record nothing). */
export async function testSend(
	db: Db | DbOrTrx,
	t: MailTemplate,
	to: { address: string; name: string }
): Promise<number | null> {
	const base = baseUrl();
	const example = 'test-' + randomToken(16);
	const values = {
		name: to.name || 'there',
		first_name: (to.name || 'there').split(' ')[0],
		link: surveyLink(base, example),
		unsubscribe_link: unsubscribeLink(base, example),
		survey_title: t.surveyTitle,
		sender_name: t.senderName,
		close_date: formatCloseDate(t.closesAt, t.timeZone)
	};
	const m = render({ subject: `[Test] ${t.subject}`, body: t.body }, values);
	return mail.enqueue(db, {
		kind: 'test',
		idempotencyKey: `test:${example}`,
		to: to.address,
		toName: to.name,
		fromName: t.senderName,
		subject: m.subject,
		text: m.text,
		html: m.html,
		headers: unsubscribeHeaders(values.unsubscribe_link)
	});
}

/** The rendered preview of a template for a sample customer (shown on the schedule page). */
export function preview(t: MailTemplate, name = 'Alex Example') {
	const base = baseUrl();
	return render(
		{ subject: t.subject, body: t.body },
		{
			name,
			first_name: name.split(' ')[0],
			link: surveyLink(base, 'EXAMPLE-TOKEN'),
			unsubscribe_link: unsubscribeLink(base, 'EXAMPLE-TOKEN'),
			survey_title: t.surveyTitle,
			sender_name: t.senderName,
			close_date: formatCloseDate(t.closesAt, t.timeZone)
		}
	);
}
