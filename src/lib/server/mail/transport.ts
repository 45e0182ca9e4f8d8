import nodemailer from 'nodemailer';

/** One message as the sender hands it to a transport. */
export interface OutgoingMail {
	from: { name: string; address: string };
	to: { name: string; address: string };
	subject: string;
	text: string;
	html: string;
	headers: Record<string, string>;
	messageId: string;
}

/** Something that delivers mail; throws on failure. */
export interface Transport {
	kind: 'smtp' | 'kept';
	send(mail: OutgoingMail): Promise<void>;
	close(): void;
}

/** Without SMTP_URL mail is kept in the outbox and read in the in-app viewer. */
export const keepTransport: Transport = {
	kind: 'kept',
	async send() {},
	close() {}
};

/** An SMTP transport from a smtp:// or smtps:// URL (nodemailer). */
export function smtpTransport(url: string): Transport {
	const t = nodemailer.createTransport(url);
	return {
		kind: 'smtp',
		async send(mail) {
			await t.sendMail({
				from: mail.from,
				to: mail.to,
				subject: mail.subject,
				text: mail.text,
				html: mail.html,
				headers: mail.headers,
				messageId: mail.messageId
			});
		},
		close() {
			t.close();
		}
	};
}

/** Splits "Name <address>" (or a bare address) into its parts. */
export function parseAddress(from: string): { name: string; address: string } {
	const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
	if (m) return { name: m[1].trim(), address: m[2].trim() };
	return { name: '', address: from.trim() };
}
