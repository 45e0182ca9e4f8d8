import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '$lib/server/clock';
import * as mail from '$lib/server/mail';
import * as scheduling from '$lib/server/scheduling';
import { waves } from '$lib/server/scheduling';
import { testDbKind, useTestDb } from '../helpers/db';
import { bulkCustomers, scheduleFixture } from '../helpers/scheduling';

const ctx = useTestDb();
const received: { from: string; to: string[]; raw: string }[] = [];
let reject = false;
let server: SMTPServer;
let url = '';

beforeAll(async () => {
	server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				if (reject) {
					const err = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
					return callback(err);
				}
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('utf8')
				});
				callback();
			});
		}
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise<void>((r) => server.close(() => r()));
});

/** Decodes quoted-printable soft breaks and escapes, enough to read links and text. */
function qp(s: string): string {
	return s
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe(`SMTP delivery to a real smtp-server peer on ${testDbKind}`, () => {
	it('sends the invitation with both parts, the personal link and List-Unsubscribe headers', async () => {
		await bulkCustomers(ctx.db, 1);
		const { input } = await scheduleFixture(ctx.db, { senderName: 'Shop Team' });
		const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
		const id = await scheduling.create(ctx.db, input, { now: clock.now(), userId: null });
		await waves.sendNow(ctx.db, id, clock.now());
		await waves.materializeDue(ctx.db, clock.now());
		const transport = mail.smtpTransport(url);
		const r = await mail.sendDue(ctx.db, clock, {
			transport,
			from: 'Soundings <surveys@example.com>',
			ratePerMinute: 100
		});
		expect(r).toEqual({ sent: 1, failed: 0 });
		expect(received).toHaveLength(1);
		const msg = received[0];
		expect(msg.from).toBe('surveys@example.com');
		expect(msg.to).toEqual(['k1@example.com']);
		const raw = msg.raw;
		const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n\s+/g, ' ');
		expect(head).toMatch(/^From: Shop Team <surveys@example\.com>$/m);
		expect(head).toMatch(/^To: Customer 1 <k1@example\.com>$/m);
		expect(head).toMatch(/^Subject: Hello Customer 1, a few questions$/m);
		expect(head).toMatch(/^Content-Type: multipart\/alternative;/m);
		const unsub = /^List-Unsubscribe: <(http:\/\/localhost:3000\/u\/[0-9a-f]{64})>$/m.exec(head);
		expect(unsub).not.toBeNull();
		expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
		const body = qp(raw);
		expect(body).toMatch(/Content-Type: text\/plain; charset=utf-8/);
		expect(body).toMatch(/Content-Type: text\/html; charset=utf-8/);
		const link = /http:\/\/localhost:3000\/s\/([0-9a-f]{64})/.exec(body);
		expect(link).not.toBeNull();
		expect(body).toContain(`<a href="http://localhost:3000/s/${link![1]}">`);
		// the link resolves to the invitation; the unsubscribe link uses the same token
		const inv = await scheduling.findInvitationByToken(ctx.db, link![1]);
		expect(inv?.customerId).toBe(1);
		expect(unsub![1].endsWith(link![1])).toBe(true);
		const row = await ctx.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'sent', delivery: 'smtp', attempts: 1 });
		const invitation = await ctx.db.selectFrom('invitations').selectAll().executeTakeFirstOrThrow();
		expect(invitation.delivered_at).not.toBeNull();
	});

	it('a permanently failing server leaves the message failed with the error, visible and retryable', async () => {
		reject = true;
		try {
			const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
			await mail.enqueue(ctx.db, {
				kind: 'test',
				idempotencyKey: 'smtp-fail',
				to: 'x@example.com',
				subject: 'Test',
				text: 'text',
				html: '<p>html</p>'
			});
			for (let i = 1; i <= mail.MAX_ATTEMPTS; i++) {
				const r = await mail.sendDue(ctx.db, clock, {
					transport: mail.smtpTransport(url),
					from: 'surveys@example.com',
					maxAttempts: mail.MAX_ATTEMPTS
				});
				expect(r.failed).toBe(1);
				clock.advance(mail.backoffMs(i));
			}
			const m = (await mail.list(ctx.db, { limit: 1, offset: 0 })).items[0];
			expect(m.status).toBe('failed');
			expect(m.lastError).toMatch(/550|Mailbox unavailable/);
		} finally {
			reject = false;
		}
	});
});
