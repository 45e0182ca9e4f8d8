import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import {
	ADMIN,
	VIEWER,
	axeViolations,
	launchBrowser,
	phoneContext,
	signIn,
	startApp,
	type RunningApp
} from './harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
let surveyId: number;
// REPORTS_PDF_DIR keeps the downloaded files for a look
const dir = process.env.REPORTS_PDF_DIR ?? mkdtempSync(join(tmpdir(), 'soundings-reports-'));

beforeAll(async () => {
	app = await startApp();
	browser = await launchBrowser();
	page = await (await browser.newContext()).newPage();
	await signIn(page, app, ADMIN);
	await page.goto(`${app.url}/reports`);
	await page.getByRole('link', { name: 'Quarterly customer survey' }).click();
	await page.waitForURL(/\/reports\/\d+$/);
	surveyId = Number(new URL(page.url()).pathname.split('/').pop());
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await app?.stop();
	if (!process.env.REPORTS_PDF_DIR) rmSync(dir, { recursive: true, force: true });
});

/** The topic summary of the print view: topic name → score as shown. */
async function summary(): Promise<Map<string, string>> {
	await page.goto(`${app.url}/reports/${surveyId}/print`);
	await page.locator('[data-report-ready="true"]').waitFor({ state: 'attached' });
	const rows = await page
		.locator('section.page')
		.first()
		.locator('tbody tr')
		.evaluateAll((trs) =>
			trs.map((tr) => [
				tr.querySelector('th')?.textContent?.trim() ?? '',
				tr.querySelector('td')?.textContent?.trim() ?? ''
			])
		);
	return new Map(rows as [string, string][]);
}

function pdfText(buf: Buffer, name: string): { pages: number; text: string; size: string } {
	const file = join(dir, name);
	writeFileSync(file, buf);
	const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
	const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
	return {
		pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0),
		size: /Page size:\s+([^\n]+)/.exec(info)?.[1] ?? '',
		text
	};
}

describe('reports in the browser', () => {
	it('downloads the dashboard as a paginated PDF with every topic and its score, on A4 and Letter', async () => {
		await page.goto(`${app.url}/reports/${surveyId}`);
		expect(await axeViolations(page)).toEqual([]);
		const topics = await summary();
		expect(await axeViolations(page)).toEqual([]);
		expect(topics.size).toBeGreaterThan(2);
		const scored = [...topics].filter(([, score]) => score !== '–');
		expect(scored.length).toBeGreaterThan(2);

		const res = await page.request.get(`${app.url}/reports/${surveyId}/report.pdf`);
		expect(res.status()).toBe(200);
		expect(res.headers()['content-type']).toBe('application/pdf');
		const a4 = pdfText(await res.body(), 'a4.pdf');
		// title page, summary, charts, one page per topic
		expect(a4.pages).toBeGreaterThanOrEqual(3 + topics.size);
		expect(a4.size).toMatch(/^595\.\d+ x 84[12]\.\d+/);
		expect(a4.text).toContain('Quarterly customer survey');
		expect(a4.text).toContain('Topic summary');
		for (const [name, score] of scored) {
			expect(a4.text).toContain(name);
			expect(a4.text).toMatch(
				new RegExp(
					`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+${score.replace('.', '\\.')}\\b`
				)
			);
		}

		// the dashboard's filters travel into the PDF
		const filtered = await page.request.get(
			`${app.url}/reports/${surveyId}/report.pdf?orders=completed`
		);
		expect(filtered.status()).toBe(200);
		expect(pdfText(await filtered.body(), 'filtered.pdf').text).toContain(
			'Filters: Completed an order'
		);

		const letter = await page.request.get(`${app.url}/reports/${surveyId}/report.pdf?paper=Letter`);
		expect(letter.status()).toBe(200);
		const lt = pdfText(await letter.body(), 'letter.pdf');
		expect(lt.size).toMatch(/^612 x 792/);
		expect(lt.text).toContain('Topic summary');
	}, 120_000);

	it('downloads an XLSX whose Responses sheet has the CSV export header and rows', async () => {
		const xlsx = await page.request.get(`${app.url}/reports/${surveyId}/report.xlsx`);
		expect(xlsx.status()).toBe(200);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
		const csv = await (await page.request.get(`${app.url}/results/${surveyId}/export.csv`)).text();
		const lines = csv
			.replace(/^\uFEFF/, '')
			.trim()
			.split(/\r?\n/);
		const header = lines[0].split(',');
		const sheet = wb.getWorksheet('Responses')!;
		expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(header);
		expect(sheet.rowCount).toBe(lines.length);
		expect(wb.getWorksheet('Topic summary')!.rowCount).toBeGreaterThan(1);
	}, 60_000);

	it('shares a redacted, read-only dashboard: hidden parts and personal data never appear, views are counted, revoking answers 410', async () => {
		await page.goto(`${app.url}/reports/${surveyId}`);
		await page.getByLabel('Label (who it is for)').fill('Board meeting');
		await page.getByLabel('Service', { exact: true }).check();
		await page.getByRole('button', { name: 'Create share link' }).click();
		const url = await page.getByLabel('Your new share link').inputValue();
		expect(url).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/);

		const anon = await (await browser.newContext()).newPage();
		const res = await anon.goto(url);
		expect(res?.status()).toBe(200);
		const html = await anon.content();
		expect(html).toContain('Quarterly customer survey');
		expect(html).toContain('Value for money');
		// the hidden topic is gone, and free text with it
		expect(await anon.locator('th', { hasText: /^Service$/ }).count()).toBe(0);
		expect(html).not.toContain('Top complaints');
		expect(html).not.toContain('Comments');
		expect(await axeViolations(anon)).toEqual([]);
		// no personal data: no e-mail address, external id or customer name from the demo
		expect(html).not.toMatch(/[A-Za-z0-9._%+-]+@example\.com/);
		expect(html).not.toMatch(/demo-\d{4}/);
		await page.goto(`${app.url}/customers`);
		const names = (await page.locator('tbody tr td:first-child a').allTextContents())
			.map((n) => n.trim())
			.filter((n) => /^\p{L}+ \p{L}+$/u.test(n));
		expect(names.length).toBeGreaterThan(5);
		for (const n of names) expect(html).not.toContain(n);

		await page.goto(`${app.url}/reports/${surveyId}`);
		const row = page.locator('tr', { hasText: 'Board meeting' });
		await expect.poll(() => row.locator('td.num').first().textContent()).toMatch(/^1/);
		await row.getByRole('button', { name: /Revoke/ }).click();
		await page.getByText('The link is revoked').waitFor();
		expect((await anon.goto(url))?.status()).toBe(410);
		expect((await anon.goto(url.replace(/.{4}$/, 'AAAA')))?.status()).toBe(404);
	}, 60_000);

	it('sends the subscribed admin a digest through the outbox when a wave is closed', async () => {
		// the demo subscribes the admin to the demo surveys' digests
		await page.goto(`${app.url}/profile`);
		await page.getByRole('group', { name: 'Quarterly customer survey' }).waitFor();
		await page.goto(`${app.url}/schedules`);
		await page.getByRole('link', { name: 'Quarterly customer survey' }).first().click();
		await page.getByRole('button', { name: 'Close now' }).first().click();
		await page.getByText('The wave is closed').waitFor();
		// the app's own worker runs the digest task every few seconds
		await expect
			.poll(
				async () => {
					await page.goto(`${app.url}/settings/outbox?q=Digest`);
					return page.getByRole('link', { name: /^Digest: Quarterly customer survey/ }).count();
				},
				{ timeout: 30_000, interval: 1000 }
			)
			.toBeGreaterThan(0);
		await page
			.getByRole('link', { name: /^Digest: Quarterly customer survey/ })
			.first()
			.click();
		await page.waitForURL(/\/settings\/outbox\/\d+/);
		const body = await page.locator('pre.mail-text').first().textContent();
		expect(body).toContain('Response rate:');
		expect(body).toContain('TOPIC SCORES');
		expect(body).toContain(`/results/${surveyId}`);
	}, 90_000);

	it('lets a viewer subscribe to digests in the profile, and not create share links', async () => {
		// a phone: every reporting page fits 360 px without sideways scrolling
		const viewer = await (await phoneContext(browser)).newPage();
		await signIn(viewer, app, VIEWER);
		for (const path of [`/reports/${surveyId}`, '/profile', `/reports/${surveyId}/print`]) {
			await viewer.goto(`${app.url}${path}`);
			expect(await viewer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
				360
			);
			if (process.env.REPORTS_PDF_DIR)
				await viewer.screenshot({
					path: join(dir, `phone-${path.replaceAll('/', '_')}.png`),
					fullPage: true
				});
		}
		await viewer.goto(`${app.url}/profile`);
		await viewer.getByLabel('Survey').selectOption({ label: 'Order follow-up' });
		await viewer.getByRole('button', { name: 'Subscribe' }).click();
		await viewer.getByText('Your digest settings are saved.').waitFor();
		await expect.poll(() => viewer.getByRole('group', { name: 'Order follow-up' }).count()).toBe(1);
		await viewer.goto(`${app.url}/reports/${surveyId}`);
		expect(await viewer.getByRole('button', { name: 'Create share link' }).count()).toBe(0);
		const post = await viewer.request.post(`${app.url}/reports/${surveyId}?/share`, {
			form: { label: 'x', hideFreeText: 'on' },
			headers: { origin: app.url }
		});
		expect(post.status()).toBe(403);
	}, 60_000);
});

describe('without a browser on the server', () => {
	let bare: RunningApp;
	beforeAll(async () => {
		bare = await startApp({ CHROMIUM_PATH: '/nonexistent/chromium' });
	}, 120_000);
	afterAll(async () => {
		await bare?.stop();
	});

	it('says PDF reports are unavailable instead of failing', async () => {
		const p = await (await browser.newContext()).newPage();
		await signIn(p, bare, ADMIN);
		await p.goto(`${bare.url}/reports`);
		await p.getByRole('link', { name: 'Quarterly customer survey' }).click();
		await p.getByText('PDF reports are not available on this server').waitFor();
		expect(await p.getByRole('link', { name: 'PDF (A4)' }).count()).toBe(0);
		const res = await p.request.get(`${p.url()}/report.pdf`);
		expect(res.status()).toBe(503);
	}, 120_000);
});
