import { createHash } from 'node:crypto';

// The persistent sample share of a trigger, computed in Node per event: the first 32 bits of
// md5(seed || ':' || customer id), sign bit cleared, modulo 100000. (Segments sample in SQL with
// hashint4extended instead, which is cheaper per row over a whole customers table; the two draw
// from their own seeds, so they need not agree.)

/** The customer's bucket 0–99999 for a seed; stable across runs. */
export function sampleBucket(seed: string, customerId: number): number {
	const hex = createHash('md5').update(`${seed}:${customerId}`).digest('hex').slice(0, 8);
	return (parseInt(hex, 16) & 0x7fffffff) % 100000;
}

/** Whether a customer is in a persistent share of `percent` (0 < percent ≤ 100). */
export function inSample(seed: string, customerId: number, percent: number): boolean {
	return percent >= 100 || sampleBucket(seed, customerId) < Math.round(percent * 1000);
}
