import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password-1' };
/** Demo users share the admin password (bootstrap). */
export const EDITOR = { email: 'editor@demo.soundings.dev', password: ADMIN.password };
export const VIEWER = { email: 'viewer@demo.soundings.dev', password: ADMIN.password };

export interface RunningApp {
	url: string;
	/** the PostgreSQL URL of this app's own database, when running on PostgreSQL */
	databaseUrl?: string;
	/** everything the server printed */
	output(): string;
	stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolvePort(port));
		});
		srv.on('error', reject);
	});
}

/**
 * Starts the built app on a free port with a fresh database: its own PostgreSQL database when
 * TEST_DATABASE_URL is set, otherwise PGlite in a temporary directory. Demo data is loaded.
 */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const dataDir = mkdtempSync(join(tmpdir(), 'soundings-e2e-'));
	let databaseUrl: string | undefined;
	let dropDb = async () => {};
	const admin = process.env.TEST_DATABASE_URL;
	if (admin) {
		const name = `sde_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
		const sql = postgres(admin, { max: 1, onnotice: () => {} });
		await sql.unsafe(`create database ${name}`);
		await sql.end();
		const u = new URL(admin);
		u.pathname = `/${name}`;
		databaseUrl = u.toString();
		dropDb = async () => {
			const s = postgres(admin, { max: 1, onnotice: () => {} });
			await s.unsafe(`drop database if exists ${name} with (force)`);
			await s.end();
		};
	}
	let log = '';
	const child: ChildProcess = spawn(process.execPath, [join(inject('buildDir'), 'index.js')], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: url,
			DATA_DIR: dataDir,
			DATABASE_URL: databaseUrl ?? '',
			ADMIN_EMAIL: ADMIN.email,
			ADMIN_PASSWORD: ADMIN.password,
			SMTP_URL: '',
			SOUNDINGS_ENV: 'test',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (log += d));
	child.stderr!.on('data', (d) => (log += d));
	const exited = new Promise<void>((r) => child.once('exit', () => r()));
	const deadline = Date.now() + 150_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the app exited during start-up:\n${log}`);
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`the app did not become healthy:\n${log}`);
		await new Promise((r) => setTimeout(r, 150));
	}
	return {
		url,
		databaseUrl,
		output: () => log,
		async stop() {
			if (child.exitCode === null) {
				child.kill('SIGTERM');
				const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
				await exited;
				clearTimeout(timer);
			}
			await dropDb();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage'
		]
	});
}

// contexts that run no page scripts: nothing hydrates there, so nothing is waited for
const withoutScripts = new WeakSet<BrowserContext>();

/** A context with JavaScript off, as a browser with scripts blocked. */
export async function contextWithoutScripts(
	browser: Browser,
	options: Parameters<Browser['newContext']>[0] = {}
): Promise<BrowserContext> {
	const context = await browser.newContext({ ...options, javaScriptEnabled: false });
	withoutScripts.add(context);
	return context;
}

/** A phone-sized context (360 px wide), as many respondents use. */
export function phoneContext(
	browser: Browser,
	options: { javaScriptEnabled?: boolean } = {}
): Promise<BrowserContext> {
	const phone = {
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true
	};
	return options.javaScriptEnabled === false
		? contextWithoutScripts(browser, phone)
		: browser.newContext({ ...phone, ...options });
}

/** Waits until the page's scripts have hydrated it (the root layout marks <html>). */
export async function hydrated(page: Page): Promise<void> {
	if (withoutScripts.has(page.context())) return;
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

/**
 * Opens a page and waits for hydration: what is typed or clicked before it may be reset by
 * hydration or handled without the page's scripts (a slow, busy machine shows it).
 */
export async function gotoHydrated(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await hydrated(page);
}

/**
 * Opens `url` again until `ready` says so (for up to 5 s): dashboards show a submit once the
 * completion queue has folded it in, a moment after the respondent was thanked.
 */
export async function gotoUntil(
	page: Page,
	url: string,
	ready: () => Promise<boolean>
): Promise<void> {
	for (let i = 0; i < 20; i++) {
		if (i > 0) await page.waitForTimeout(250);
		await page.goto(url);
		if (await ready()) return;
	}
}

/** Signs in through the login form and waits for the signed-in shell. */
export async function signIn(
	page: Page,
	app: RunningApp,
	user: { email: string; password: string }
): Promise<void> {
	// type only once the page is hydrated: hydration can reset what was typed before it
	await gotoHydrated(page, `${app.url}/login`);
	await page.getByLabel('E-mail').fill(user.email);
	await page.getByLabel('Password').fill(user.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Runs axe-core in the page; returns the violations (empty is good). */
export async function axeViolations(
	page: Page
): Promise<{ id: string; help: string; nodes: number }[]> {
	const { createRequire } = await import('node:module');
	const require = createRequire(import.meta.url);
	const source = (await import('node:fs')).readFileSync(
		require.resolve('axe-core/axe.min.js'),
		'utf8'
	);
	// evaluate() runs through the DevTools protocol, so the page's CSP does not block it.
	await page.evaluate(`${source};void 0`);
	const result = await page.evaluate(async () => {
		// @ts-expect-error axe is injected above
		const r = await window.axe.run(document, {
			runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
		});
		return r.violations.map((v: { id: string; help: string; nodes: unknown[] }) => ({
			id: v.id,
			help: v.help,
			nodes: v.nodes.length
		}));
	});
	return result;
}
