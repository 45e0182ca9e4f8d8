import { describe, expect, it } from 'vitest';
import {
	formatInZone,
	isTimeZone,
	nextRuns,
	presetToCron,
	RecurrenceError,
	validateCron
} from '$lib/server/scheduling/recurrence';
import { zonedInstant } from '$lib/server/scheduling/zoned';

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('recurrence across DST changes (design R7)', () => {
	it('Europe/Berlin: 09:00 stays 09:00 local across the March and October changes', () => {
		const runs = nextRuns('0 9 * * *', 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'), 4);
		expect(iso(runs)).toEqual([
			'2026-03-28T08:00:00.000Z', // CET, UTC+1
			'2026-03-29T07:00:00.000Z', // CEST from 29 March, UTC+2
			'2026-03-30T07:00:00.000Z',
			'2026-03-31T07:00:00.000Z'
		]);
		const autumn = nextRuns('0 9 * * *', 'Europe/Berlin', new Date('2026-10-24T12:00:00Z'), 2);
		expect(iso(autumn)).toEqual(['2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z']);
	});

	it('Europe/Berlin: a time skipped in spring fires once, a repeated one in autumn fires once', () => {
		const spring = nextRuns('30 2 * * *', 'Europe/Berlin', new Date('2026-03-28T12:00:00Z'), 2);
		expect(spring).toHaveLength(2);
		expect(spring[0].toISOString().slice(0, 10)).toBe('2026-03-29');
		expect(spring[1].toISOString()).toBe('2026-03-30T00:30:00.000Z');
		const autumn = nextRuns('30 2 * * *', 'Europe/Berlin', new Date('2026-10-24T12:00:00Z'), 3);
		expect(iso(autumn)).toEqual([
			'2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); not again an hour later
			'2026-10-26T01:30:00.000Z',
			'2026-10-27T01:30:00.000Z'
		]);
	});

	it('America/New_York: Monday 09:00 weekly across the March and November changes', () => {
		const spring = nextRuns('0 9 * * 1', 'America/New_York', new Date('2026-03-01T00:00:00Z'), 2);
		expect(iso(spring)).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z']);
		const autumn = nextRuns('0 9 * * 1', 'America/New_York', new Date('2026-10-27T00:00:00Z'), 2);
		expect(iso(autumn)).toEqual(['2026-11-02T14:00:00.000Z', '2026-11-09T14:00:00.000Z']);
	});

	it('Australia/Sydney: monthly on day 5 at 08:00 across April (end of DST) and October (start)', () => {
		const runs = nextRuns('0 8 5 * *', 'Australia/Sydney', new Date('2026-03-01T00:00:00Z'), 2);
		expect(iso(runs)).toEqual(['2026-03-04T21:00:00.000Z', '2026-04-04T22:00:00.000Z']);
		const spring = nextRuns('0 8 5 * *', 'Australia/Sydney', new Date('2026-09-01T00:00:00Z'), 2);
		expect(iso(spring)).toEqual(['2026-09-04T22:00:00.000Z', '2026-10-04T21:00:00.000Z']);
	});

	it('quarterly on the first Monday and twice a year compile to cron and run in the zone', () => {
		const q = presetToCron({ kind: 'quarterly', time: '09:00' });
		expect(iso(nextRuns(q, 'Europe/Berlin', new Date('2026-01-01T00:00:00Z'), 4))).toEqual([
			'2026-01-05T08:00:00.000Z',
			'2026-04-06T07:00:00.000Z',
			'2026-07-06T07:00:00.000Z',
			'2026-10-05T07:00:00.000Z'
		]);
		const t = presetToCron({ kind: 'twice-yearly', time: '10:30' });
		expect(iso(nextRuns(t, 'Australia/Sydney', new Date('2026-01-02T00:00:00Z'), 2))).toEqual([
			'2026-07-01T00:30:00.000Z',
			'2026-12-31T23:30:00.000Z'
		]);
		expect(presetToCron({ kind: 'weekly', weekday: 3, time: '07:05' })).toBe('5 7 * * 3');
		expect(presetToCron({ kind: 'monthly', day: 15, time: '18:00' })).toBe('0 18 15 * *');
	});

	it('stops at the end date and shows times in the zone', () => {
		const runs = nextRuns(
			'0 9 * * *',
			'Europe/Berlin',
			new Date('2026-05-01T00:00:00Z'),
			5,
			new Date('2026-05-03T12:00:00Z')
		);
		expect(runs).toHaveLength(3);
		expect(formatInZone(runs[0], 'Europe/Berlin')).toMatch(/Fri.*1 May 2026.*09:00/);
	});

	it('validates cron expressions and time zones with readable reasons', () => {
		expect(() => validateCron('0 9 * * 1')).not.toThrow();
		expect(() => validateCron('61 9 * * 1')).toThrow(RecurrenceError);
		expect(() => validateCron('0 9 * *')).toThrow(/five fields/);
		expect(() => validateCron('0 9 31 2 *')).toThrow(RecurrenceError);
		expect(isTimeZone('Europe/Berlin')).toBe(true);
		expect(isTimeZone('Mars/Olympus')).toBe(false);
		expect(isTimeZone('')).toBe(false);
	});

	it('turns a start date in a zone into the right instant', () => {
		expect(zonedInstant('2026-03-29', '00:00', 'Europe/Berlin').toISOString()).toBe(
			'2026-03-28T23:00:00.000Z'
		);
		expect(zonedInstant('2026-07-01', '00:00', 'Australia/Sydney').toISOString()).toBe(
			'2026-06-30T14:00:00.000Z'
		);
	});
});
