import { describe, expect, it } from 'vitest';
import { describeDelay, dueAt, zoneFor } from '$lib/server/triggers/delay';
import { inSample, sampleBucket } from '$lib/server/triggers/sample';
import { matches } from '$lib/server/triggers/conditions';

const nineLocal = { delay_kind: 'local_time' as const, delay_minutes: 0, local_time: '09:00' };
const iso = (d: Date) => d.toISOString();

describe('trigger delays', () => {
	it('waits a fixed time after the event', () => {
		const rule = { delay_kind: 'after' as const, delay_minutes: 120, local_time: '09:00' };
		expect(iso(dueAt(rule, new Date('2026-06-10T10:00:00Z'), 'UTC'))).toBe(
			'2026-06-10T12:00:00.000Z'
		);
		expect(describeDelay(rule)).toBe('2 hours after the event');
	});

	it('finds the next 09:00 in three zones across their DST changes', () => {
		const cases: [string, string, string][] = [
			// Berlin: clocks go forward on 29 March 2026 and back on 25 October 2026
			['Europe/Berlin', '2026-03-28T20:00:00Z', '2026-03-29T07:00:00.000Z'],
			['Europe/Berlin', '2026-10-24T20:00:00Z', '2026-10-25T08:00:00.000Z'],
			// New York: forward on 8 March 2026, back on 1 November 2026
			['America/New_York', '2026-03-08T03:00:00Z', '2026-03-08T13:00:00.000Z'],
			['America/New_York', '2026-10-31T22:00:00Z', '2026-11-01T14:00:00.000Z'],
			// Sydney: back on 5 April 2026, forward on 4 October 2026
			['Australia/Sydney', '2026-04-04T12:00:00Z', '2026-04-04T23:00:00.000Z'],
			['Australia/Sydney', '2026-10-03T12:00:00Z', '2026-10-03T22:00:00.000Z']
		];
		for (const [zone, event, due] of cases)
			expect([zone, event, iso(dueAt(nineLocal, new Date(event), zone))]).toEqual([
				zone,
				event,
				due
			]);
	});

	it('counts an event at exactly 09:00 as due then, and honours the minimum wait', () => {
		expect(iso(dueAt(nineLocal, new Date('2026-06-10T09:00:00Z'), 'UTC'))).toBe(
			'2026-06-10T09:00:00.000Z'
		);
		const atLeast12h = { ...nineLocal, delay_minutes: 720 };
		expect(iso(dueAt(atLeast12h, new Date('2026-06-10T08:00:00Z'), 'UTC'))).toBe(
			'2026-06-11T09:00:00.000Z'
		);
	});

	it("uses the trigger's zone when the customer's is missing or unknown", () => {
		expect(zoneFor(null, 'Europe/Berlin')).toBe('Europe/Berlin');
		expect(zoneFor('Mars/Olympus', 'UTC')).toBe('UTC');
		expect(zoneFor('Asia/Tokyo', 'UTC')).toBe('Asia/Tokyo');
	});
});

describe('trigger sampling and conditions', () => {
	it('keeps a stable share of about the requested size', () => {
		const ids = Array.from({ length: 20000 }, (_, i) => i + 1);
		const kept = ids.filter((id) => inSample('seed-1', id, 10)).length;
		expect(kept / ids.length).toBeGreaterThan(0.09);
		expect(kept / ids.length).toBeLessThan(0.11);
		expect(sampleBucket('seed-1', 42)).toBe(sampleBucket('seed-1', 42));
		expect(ids.every((id) => inSample('any', id, 100))).toBe(true);
	});

	it('matches attribute conditions', () => {
		const e = { attributes: { channel: 'Phone', amount: 120 }, reference: 'T-1' };
		expect(matches([{ attribute: 'channel', op: 'equals', value: 'phone' }], e)).toBe(true);
		expect(matches([{ attribute: 'amount', op: 'gt', value: '100' }], e)).toBe(true);
		expect(matches([{ attribute: 'amount', op: 'lt', value: '100' }], e)).toBe(false);
		expect(matches([{ attribute: 'vip', op: 'exists', value: '' }], e)).toBe(false);
		expect(matches([{ attribute: 'reference', op: 'not_equals', value: 'T-2' }], e)).toBe(true);
	});
});
