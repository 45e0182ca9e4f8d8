import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
	ADMIN,
	VIEWER,
	axeViolations,
	launchBrowser,
	signIn,
	startApp,
	type RunningApp,
	gotoHydrated,
	hydrated
} from './harness';

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
	[app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

describe('sign-in and roles in Chromium', () => {
	it('sends an anonymous visitor to sign-in, and back to where they were going after', async () => {
		const page = await browser.newPage();
		await page.goto(`${app.url}/settings`);
		expect(new URL(page.url()).pathname).toBe('/login');
		await page.getByLabel('E-mail').fill(ADMIN.email);
		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(`${app.url}/settings`);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Settings');
		const cookies = await page.context().cookies();
		const session = cookies.find((c) => c.name === 'soundings_session');
		expect(session?.httpOnly).toBe(true);
		expect(session?.sameSite).toBe('Lax');
		expect(await axeViolations(page)).toEqual([]);
		await page.close();
	});

	it('keeps what a user typed before the page’s JavaScript arrived', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, app, ADMIN);
		await gotoHydrated(page, `${app.url}/settings/topics`);
		const topicUrl = await page
			.locator('main a[href^="/settings/topics/"]')
			.first()
			.getAttribute('href');
		// hold the app's scripts back, as a slow phone connection would
		let release!: () => void;
		const released = new Promise<void>((r) => (release = r));
		await page.route(/\/_app\/immutable\/.*\.js$/, async (route) => {
			await released;
			await route.continue();
		});
		await page.goto(`${app.url}${topicUrl}`, { waitUntil: 'domcontentloaded' });
		const name = page.getByLabel('Name', { exact: true });
		await expect(name.inputValue()).resolves.not.toBe('');
		await name.fill('Typed before the scripts');
		release();
		await hydrated(page);
		await expect(name.inputValue()).resolves.toBe('Typed before the scripts');
		await context.close();
	});

	it('shows a clear message for a wrong password and stays on the sign-in page', async () => {
		const page = await browser.newPage();
		await page.goto(`${app.url}/login`);
		await page.getByLabel('E-mail').fill(ADMIN.email);
		await page.getByLabel('Password').fill('not the password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert').textContent()).resolves.toContain('do not match');
		expect(new URL(page.url()).pathname).toBe('/login');
		await page.close();
	});

	it('signs out, after which the old session cannot reach the app', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, app, ADMIN);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
			'Welcome'
		);
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL(`${app.url}/login`);
		await page.goto(`${app.url}/`);
		expect(new URL(page.url()).pathname).toBe('/login');
		await context.close();
	});

	it('a viewer cannot reach the admin-only users page', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, app, VIEWER);
		const res = await page.goto(`${app.url}/settings/users`);
		expect(res?.status()).toBe(403);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'Not allowed'
		);
		await context.close();
	});

	it('refuses a cross-origin form post', async () => {
		const res = await fetch(`${app.url}/login`, {
			method: 'POST',
			headers: {
				origin: 'https://evil.example',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: `email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}`
		});
		expect(res.status).toBe(403);
		expect(res.headers.get('set-cookie')).toBeNull();
	});

	it('works at 360 px: the menu opens and leads to every section', async () => {
		const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await signIn(page, app, ADMIN);
		const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(scrollWidth).toBeLessThanOrEqual(360);
		await page.getByText('Menu').click();
		await page.getByRole('link', { name: 'Settings' }).first().click();
		await page.waitForURL(`${app.url}/settings`);
		await context.close();
	});
});
