import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random token from a CSPRNG; 32 bytes = 256 bits by default (≥128 required). */
export function randomToken(bytes = 32): string {
	if (bytes < 16) throw new Error('tokens need at least 128 bits');
	return randomBytes(bytes).toString('base64url');
}

/** Hex SHA-256: what we store instead of a session id, API key or survey token. */
export function sha256(value: string): string {
	return createHash('sha256').update(value).digest('hex');
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

/** A readable random password (96 bits) for generated first-run logins. */
export function randomPassword(): string {
	return randomBytes(12).toString('base64url');
}
