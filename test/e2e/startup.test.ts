import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startApp } from './harness';

function runApp(env: Record<string, string>) {
	const r = spawnSync(process.execPath, [join(inject('buildDir'), 'index.js')], {
		env: { ...process.env, PORT: '0', ...env },
		encoding: 'utf8',
		timeout: 60_000
	});
	return { status: r.status, output: r.stdout + r.stderr };
}

describe('start-up refuses clearly', () => {
	it('names a bad configuration value instead of printing a stack trace', () => {
		const r = runApp({ SESSION_DAYS: 'forever', DATABASE_URL: 'mysql://nope' });
		expect(r.status).toBe(1);
		expect(r.output).toContain('Soundings cannot start.');
		expect(r.output).toContain('SESSION_DAYS');
		expect(r.output).toContain(
			'DATABASE_URL: must be a postgres:// or postgresql:// connection URL'
		);
		expect(r.output).not.toMatch(/\n\s+at /);
	});

	it('says which PostgreSQL it cannot reach', () => {
		const r = runApp({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/soundings' });
		expect(r.status).toBe(1);
		expect(r.output).toContain('Cannot reach PostgreSQL at 127.0.0.1:1/soundings');
		expect(r.output).not.toMatch(/\n\s+at /);
	});

	it('refuses a second process on the same PGlite data directory', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'soundings-lock-'));
		const app = await startApp({ DATA_DIR: dir, DATABASE_URL: '' });
		try {
			const r = runApp({ DATA_DIR: dir, DATABASE_URL: '' });
			expect(r.status).toBe(1);
			expect(r.output).toContain('PGlite allows one process at a time');
		} finally {
			await app.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
