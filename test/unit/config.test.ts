import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '$lib/server/config';
import { safeNext } from '$lib/schemas/auth';

describe('configuration', () => {
	it('has working defaults for a laptop: port 3000, PGlite in ./data, worker on', () => {
		const c = loadConfig({});
		expect(c.PORT).toBe(3000);
		expect(c.DATABASE_URL).toBeUndefined();
		expect(c.DATA_DIR).toBe('./data');
		expect(c.WORKER).toBe('on');
		expect(c.SESSION_DAYS).toBe(14);
	});

	it('names every bad value in one message', () => {
		let error: unknown;
		try {
			loadConfig({
				PORT: 'eighty',
				DATABASE_URL: 'mysql://x',
				SESSION_DAYS: '0',
				ADMIN_PASSWORD: 'short'
			});
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const message = (error as Error).message;
		expect(message).toContain('PORT');
		expect(message).toContain(
			'DATABASE_URL: must be a postgres:// or postgresql:// connection URL'
		);
		expect(message).toContain('SESSION_DAYS');
		expect(message).toContain('ADMIN_PASSWORD: must be at least 12 characters');
	});

	it('treats empty strings as unset', () => {
		expect(
			loadConfig({ DATABASE_URL: '', SMTP_URL: '', ADMIN_EMAIL: '' }).DATABASE_URL
		).toBeUndefined();
	});
});

describe('redirect after sign-in', () => {
	it('only follows local paths', () => {
		expect(safeNext('/surveys?x=1')).toBe('/surveys?x=1');
		expect(safeNext('https://evil.example')).toBe('/');
		expect(safeNext('//evil.example')).toBe('/');
		expect(safeNext('/\\evil.example')).toBe('/');
		expect(safeNext(null)).toBe('/');
	});
});
