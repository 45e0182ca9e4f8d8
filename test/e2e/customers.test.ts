import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
	ADMIN,
	EDITOR,
	VIEWER,
	axeViolations,
	launchBrowser,
	signIn,
	startApp,
	type RunningApp,
	contextWithoutScripts
} from './harness';

let app: RunningApp;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'sde-customers-'));

beforeAll(async () => {
	[app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

function csvFile(): string {
	const lines = ['Customer ID;E-Mail;Full name;Country;Plan'];
	for (let i = 1; i <= 3000; i++)
		lines.push(
			`E2E-${i};e2e.${i}@example.com;Person ${i};${i % 3 ? 'DE' : 'FR'};${i % 5 ? 'free' : 'pro'}`
		);
	lines.push('E2E-1;dup@example.com;Duplicate;DE;free');
	lines.push('E2E-bad;not-an-email;Bad;DE;free');
	const path = join(dir, 'customers.csv');
	writeFileSync(path, lines.join('\n') + '\n');
	return path;
}

describe('customers and segments in Chromium', () => {
	it('imports a CSV through the mapping step, shows progress and a report of the bad rows', async () => {
		const page = await browser.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/customers/import`);
		await page.getByLabel('CSV file').setInputFiles(csvFile());
		await page.getByRole('button', { name: 'Upload and map columns' }).click();
		await page.waitForURL(/\/customers\/import\/\d+$/);
		// the mapping step: a preview and the guessed columns
		await expect(
			page.getByRole('table', { name: 'Preview of the first rows' }).textContent()
		).resolves.toContain('e2e.1@example.com');
		await expect(page.getByLabel(/^Customer ID/).inputValue()).resolves.toBe('external_id');
		await expect(page.getByLabel(/^E-Mail/).inputValue()).resolves.toBe('email');
		await expect(page.getByLabel(/^Country/).inputValue()).resolves.toBe('attr:country');
		expect(await axeViolations(page)).toEqual([]);
		await page.getByRole('button', { name: 'Start the import' }).click();
		// progress, then the summary (polled without reloading)
		await page.waitForSelector('text=/Importing…|Import finished/');
		await page.getByText('Import finished').waitFor({ timeout: 30_000 });
		const summary = await page.getByRole('status').first().textContent();
		expect(summary).toContain('3,000 created');
		expect(summary).toContain('2 skipped');
		const rows = await page.locator('table tbody tr').allTextContents();
		expect(rows.join('|')).toMatch(/3002.*Customer ID.*Duplicate/);
		expect(rows.join('|')).toMatch(/3003.*E-Mail.*e-mail/);
		const download = page.waitForEvent('download');
		await page.getByRole('link', { name: 'Download the report (CSV)' }).click();
		const report = await (await download).createReadStream();
		let text = '';
		for await (const chunk of report) text += chunk;
		expect(text.split('\n')[0]).toBe('row,column,reason');
		expect(text).toContain('3003,E-Mail');
		expect(await axeViolations(page)).toEqual([]);
		// the imported customers are searchable
		await page.goto(`${app.url}/customers?q=e2e.42%40`);
		await expect(page.locator('tbody').textContent()).resolves.toContain('Person 42');
		await page.close();
	});

	it('builds a segment from rules and sees its count change', async () => {
		const page = await browser.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/segments/new`);
		await page.getByLabel('Name', { exact: true }).fill('French customers on the pro plan');
		await page.getByRole('button', { name: '+ attribute condition' }).click();
		await page.getByLabel('Attribute').fill('country');
		await page.getByLabel('Value').fill('FR');
		await page.getByRole('button', { name: 'Update count' }).click();
		await expect
			.poll(() => page.getByTestId('segment-count').textContent())
			.toMatch(/^\s*1,0\d\d customers match/);
		await page.getByRole('button', { name: '+ attribute condition' }).click();
		await page.getByLabel('Attribute').nth(1).fill('plan');
		await page.getByLabel('Value').nth(1).fill('pro');
		await page.getByLabel(/Take this share/).fill('50');
		await page.getByRole('button', { name: 'Update count' }).click();
		// E2E ids divisible by 15 (FR and pro): 200 of them, about half sampled
		await expect
			.poll(() => page.getByTestId('segment-count').textContent())
			.toMatch(/^\s*200 customers match; \d+ after 50% sampling/);
		const text = (await page.getByTestId('segment-count').textContent())!;
		const sampled = Number(/; (\d+) after 50%/.exec(text)![1]);
		expect(sampled).toBeGreaterThan(70);
		expect(sampled).toBeLessThan(130);
		expect(await axeViolations(page)).toEqual([]);
		await page.getByRole('button', { name: 'Create segment' }).click();
		await page.waitForURL(/\/segments\/\d+\?saved=1$/);
		await expect(page.getByTestId('segment-count').textContent()).resolves.toContain(
			`${sampled} after 50% sampling`
		);
		await page.close();
	});

	it('shows a clear error for an invalid rule and saves nothing', async () => {
		const page = await browser.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/segments/new`);
		await page.getByLabel('Name', { exact: true }).fill('Broken');
		await page.getByRole('button', { name: '+ attribute condition' }).click();
		await page.getByLabel('Attribute').fill('bad key!');
		await page.getByRole('button', { name: 'Create segment' }).click();
		await expect(
			page.getByText(/An attribute name starts with a letter/).textContent()
		).resolves.toBeTruthy();
		await expect(page.getByLabel('Attribute').getAttribute('aria-invalid')).resolves.toBe('true');
		await page.goto(`${app.url}/segments`);
		await expect(page.locator('body').textContent()).resolves.not.toContain('Broken');
		await page.close();
	});

	it('lets an admin create an API key that upserts customers, and a viewer cannot see keys', async () => {
		const page = await browser.newPage();
		await signIn(page, app, ADMIN);
		await page.goto(`${app.url}/settings/api-keys`);
		await page.getByLabel(/^Name/).fill('Shop sync');
		await page.getByRole('button', { name: 'Create key' }).click();
		const key = (await page.getByTestId('new-api-key').textContent())!.trim();
		expect(key).toMatch(/^sdk_/);
		const res = await fetch(`${app.url}/api/v1/customers`, {
			method: 'POST',
			headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				customers: [
					{ external_id: 'API-1', email: 'api1@example.com', attributes: { plan: 'pro' } },
					{ external_id: 'API-2', email: 'broken' }
				]
			})
		});
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body).toMatchObject({ created: 1, errors: [{ index: 1, field: 'email' }] });
		const denied = await fetch(`${app.url}/api/v1/customers`, {
			method: 'POST',
			headers: { authorization: 'Bearer sdk_wrong', 'content-type': 'application/json' },
			body: '[]'
		});
		expect(denied.status).toBe(401);
		await page.getByRole('button', { name: 'Revoke Shop sync' }).click();
		await page.getByText('The key was revoked').waitFor();
		const revoked = await fetch(`${app.url}/api/v1/customers`, {
			method: 'POST',
			headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
			body: '[]'
		});
		expect(revoked.status).toBe(401);
		const viewer = await browser.newPage();
		await signIn(viewer, app, VIEWER);
		const r = await viewer.goto(`${app.url}/settings/api-keys`);
		expect(r?.status()).toBe(403);
		await viewer.close();
		await page.close();
	});

	it('shows a customer page and erases the customer', async () => {
		const page = await browser.newPage();
		await signIn(page, app, ADMIN);
		await page.goto(`${app.url}/customers?q=demo-0002`);
		await page.locator('tbody a').first().click();
		await page.getByRole('heading', { name: 'Orders' }).waitFor();
		expect(await axeViolations(page)).toEqual([]);
		await page.getByLabel(/I understand/).check();
		await page.getByRole('button', { name: 'Erase personal data' }).click();
		await page.getByRole('heading', { name: 'Erased customer' }).waitFor();
		await expect(page.locator('main').textContent()).resolves.toContain('erased-');
		await page.close();
	});

	it('works without JavaScript: upload, mapping, progress page, and the rule builder', async () => {
		const context = await contextWithoutScripts(browser);
		const page = await context.newPage();
		await signIn(page, app, EDITOR);
		const path = join(dir, 'orders.csv');
		writeFileSync(
			path,
			'customer;reference;status;amount;date\ndemo-0003;NOJS-1;completed;12.50;2026-01-02\nnobody;NOJS-2;completed;1;2026-01-02\n'
		);
		await page.goto(`${app.url}/customers/import`);
		await page.getByRole('radio', { name: /Orders \(/ }).check();
		await page.getByLabel('CSV file').setInputFiles(path);
		await page.getByRole('button', { name: 'Upload and map columns' }).click();
		await page.waitForURL(/\/customers\/import\/\d+$/);
		await expect(page.getByLabel(/^reference/).inputValue()).resolves.toBe('reference');
		await page.getByRole('button', { name: 'Start the import' }).click();
		// without JavaScript the Refresh link shows the progress until the summary appears
		for (let i = 0; i < 40; i++) {
			if (await page.getByText('Import finished').count()) break;
			await page.waitForTimeout(250);
			await page.goto(page.url().replace(/\?.*$/, ''));
		}
		await expect(page.getByRole('status').first().textContent()).resolves.toContain('1 created');
		await expect(page.locator('table').last().textContent()).resolves.toContain(
			'No customer with this external id'
		);

		await page.goto(`${app.url}/segments/new`);
		await page.getByRole('button', { name: '+ order condition' }).click();
		await expect(page.getByLabel('Orders', { exact: true }).inputValue()).resolves.toBe(
			'completed'
		);
		await page.getByRole('button', { name: 'Update count' }).click();
		await expect(page.getByTestId('segment-count').textContent()).resolves.toMatch(
			/customers match/
		);
		await context.close();
	});
});
