import { createHmac } from 'node:crypto';
import { safeEqual } from '../crypto';

// Signatures: `Soundings-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
// Signing the timestamp with the body lets a receiver refuse replays older than a few minutes.

export const SIGNATURE_HEADER = 'Soundings-Signature';

/** The signature header value for a body sent at `at`. */
export function sign(secret: string, body: string, at: Date): string {
	const t = Math.floor(at.getTime() / 1000);
	const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
	return `t=${t},v1=${v1}`;
}

/**
 * What a receiver does: true when the header carries a valid signature of the body made within
 * `toleranceSeconds` of `now`.
 */
export function verify(
	secret: string,
	header: string | null | undefined,
	body: string,
	now: Date,
	toleranceSeconds = 300
): boolean {
	if (!header) return false;
	const parts = Object.fromEntries(
		header.split(',').map((p) => {
			const i = p.indexOf('=');
			return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
		})
	);
	const t = Number(parts.t);
	if (!Number.isInteger(t) || !parts.v1) return false;
	if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
	const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
	return safeEqual(expected, parts.v1);
}
