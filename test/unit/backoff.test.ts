import { describe, expect, it } from 'vitest';
import { exponentialBackoffMs } from '$lib/server/backoff';
import * as mail from '$lib/server/mail';
import * as webhooks from '$lib/server/webhooks';

describe('retry backoff', () => {
	it('doubles from 30 s and stops at the cap', () => {
		expect([0, 1, 2, 3, 4].map((a) => exponentialBackoffMs(a, 10 * 60_000))).toEqual([
			30_000, 30_000, 60_000, 120_000, 240_000
		]);
		expect(exponentialBackoffMs(20, 10 * 60_000)).toBe(10 * 60_000);
	});

	it('mail waits at most an hour between tries, webhooks at most six hours', () => {
		expect(mail.backoffMs(2)).toBe(60_000);
		expect(mail.backoffMs(30)).toBe(60 * 60_000);
		expect(webhooks.backoffMs(2)).toBe(60_000);
		expect(webhooks.backoffMs(30)).toBe(6 * 3600_000);
	});
});
