import { createHash } from 'node:crypto';

// The persistent sample share: the same hash as segment sampling (segments/index.ts `bucket`):
// the first 32 bits of md5(seed || ':' || customer id), sign bit cleared, modulo 100000.

/** The customer's bucket 0–99999 for a seed; stable across runs. */
export function sampleBucket(seed: string, customerId: number): number {
	const hex = createHash('md5').update(`${seed}:${customerId}`).digest('hex').slice(0, 8);
	return (parseInt(hex, 16) & 0x7fffffff) % 100000;
}

/** Whether a customer is in a persistent share of `percent` (0 < percent ≤ 100). */
export function inSample(seed: string, customerId: number, percent: number): boolean {
	return percent >= 100 || sampleBucket(seed, customerId) < Math.round(percent * 1000);
}
