import { hash, verify } from '@node-rs/argon2';

// OWASP ASVS 5 minimum for argon2id: m = 19 MiB, t = 2, p = 1.
const options = {
	algorithm: 2 /* Algorithm.Argon2id (a const enum) */,
	memoryCost: 19_456,
	timeCost: 2,
	parallelism: 1
};

/** argon2id hash of a password. */
export function hashPassword(password: string): Promise<string> {
	return hash(password, options);
}

/** Whether password matches the stored hash; a malformed hash simply does not match. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	try {
		return await verify(stored, password);
	} catch {
		return false;
	}
}

// Verifying against this keeps the time of an unknown-e-mail login close to a wrong-password one.
let dummy: Promise<string> | undefined;
export async function burnVerifyTime(password: string): Promise<void> {
	dummy ??= hashPassword('soundings-timing-equaliser');
	await verifyPassword(await dummy, password);
}
