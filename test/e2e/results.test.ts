import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	ADMIN,
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
let surveyUrl: string;

beforeAll(async () => {
	[app, browser] = await Promise.all([startApp(), launchBrowser()]);
	const context = await browser.newContext({ acceptDownloads: true });
	page = await context.newPage();
	await signIn(page, app, ADMIN);
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

/** Parses simple CSV (quoted fields, CRLF) into rows. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n') {
			row.push(field.replace(/\r$/, ''));
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field || row.length) rows.push([...row, field]);
	return rows;
}

describe('results in Chromium', () => {
	it("opens the demo survey's dashboard with topic cards and a rendered trend chart", async () => {
		await page.goto(`${app.url}/results`);
		await page.getByRole('link', { name: /Quarterly customer survey/ }).click();
		await page.waitForURL(/\/results\/\d+$/);
		surveyUrl = page.url();
		const cards = page.locator('[data-topic]');
		expect(await cards.count()).toBeGreaterThanOrEqual(5);
		expect(await page.locator('[data-topic] [data-score]').count()).toBeGreaterThanOrEqual(5);
		const canvas = page.locator('canvas[data-chart="chart-topic-scores-over-waves"]');
		await canvas.waitFor();
		await page.waitForFunction(() => {
			const c = document.querySelector<HTMLCanvasElement>(
				'canvas[data-chart="chart-topic-scores-over-waves"]'
			);
			return !!c && c.width > 0 && !c.parentElement?.textContent?.includes('Loading chart');
		});
		// the chart drew something: the canvas is not blank
		const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
			const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
			let coloured = 0;
			for (let i = 0; i < data.length; i += 16) if (data[i] < 200 || data[i + 1] < 200) coloured++;
			return coloured;
		});
		expect(painted).toBeGreaterThan(100);
		await page.screenshot({ path: 'test/e2e/screenshots/results-dashboard.png', fullPage: true });
		expect(await axeViolations(page)).toEqual([]);
	});

	it('the table view of the trend chart matches the topic cards, and a question score matches the API', async () => {
		await page.goto(surveyUrl);
		const figure = page.locator('figure', {
			has: page.locator('canvas[data-chart="chart-topic-scores-over-waves"]')
		});
		await figure.getByRole('button', { name: 'Show as table' }).click();
		const table = figure.locator('[data-chart-table]');
		await table.waitFor({ state: 'visible' });
		const firstCard = page.locator('[data-topic]').first();
		const topicName = (await firstCard.locator('h3').textContent())!.trim();
		const cardScore = (await firstCard.locator('[data-score]').textContent())!.trim();
		const lastRow = table.locator('tbody tr').last();
		const cell = lastRow.locator(`td[data-series="${topicName}"]`);
		expect((await cell.textContent())!.trim()).toBe(cardScore);

		// an API key, created in Settings
		await page.goto(`${app.url}/settings/api-keys`);
		await page.getByLabel(/Name/).fill('results e2e');
		await page.getByRole('button', { name: 'Create key' }).click();
		const key = (await page.getByTestId('new-api-key').textContent())!.trim();
		const surveyId = surveyUrl.split('/').pop();
		type ApiPage = {
			questions: {
				lineage: string;
				type: string;
				scored: boolean;
				points: number | null;
				column: string;
			}[];
			responses: {
				id: number;
				wave: { id: number; name: string } | null;
				answers: Record<string, unknown>;
			}[];
			next: number | null;
		};
		const all: ApiPage['responses'] = [];
		let questions: ApiPage['questions'] | undefined;
		for (let after = 0; ;) {
			const res = await fetch(
				`${app.url}/api/v1/surveys/${surveyId}/responses?after=${after}&limit=200`,
				{
					headers: { authorization: `Bearer ${key}` }
				}
			);
			expect(res.status).toBe(200);
			const body = (await res.json()) as ApiPage;
			questions = body.questions;
			all.push(...body.responses);
			if (body.next === null) break;
			after = body.next;
		}
		expect(all.length).toBeGreaterThan(30);
		const unauth = await fetch(`${app.url}/api/v1/surveys/${surveyId}/responses`);
		expect(unauth.status).toBe(401);

		const found = questions?.find((q) => q.type === 'likert' && q.scored);
		expect(found).toBeDefined();
		const likert = found!;
		await page.goto(`${surveyUrl}/questions/${likert.lineage}`);
		const rows = page.locator('table').first().locator('tbody tr');
		const last = rows.last();
		const waveName = (await last.locator('th').textContent())!.trim();
		const values = all
			.filter((r) => r.wave?.name === waveName && typeof r.answers[likert.lineage] === 'number')
			.map((r) => (((r.answers[likert.lineage] as number) - 1) / (likert.points! - 1)) * 100);
		const mean = values.reduce((a, b) => a + b, 0) / values.length;
		const cells = last.locator('td');
		expect(Number((await cells.nth(1).textContent())!.trim())).toBe(values.length);
		const shown = (await cells.nth(3).textContent())!.trim();
		expect(shown.startsWith((Math.round(mean * 10) / 10).toFixed(1))).toBe(true);
	});

	it('filters by segment through the URL', async () => {
		await page.goto(surveyUrl);
		const option = page.locator('#f-segment option').nth(1);
		const segmentId = await option.getAttribute('value');
		const segmentName = (await option.textContent())!.trim();
		await page.goto(`${surveyUrl}?segment=${segmentId}`);
		await expect(page.locator('#f-segment').inputValue()).resolves.toBe(segmentId);
		await expect(page.getByText(`Showing: ${segmentName}`).count()).resolves.toBe(1);
		expect(await page.locator('[data-topic]').count()).toBeGreaterThanOrEqual(5);
		// compare mode: the two demo segments side by side
		const other = await page.locator('#f-segment option').nth(2).getAttribute('value');
		const otherName = (await page.locator('#f-segment option').nth(2).textContent())!.trim();
		await page.goto(`${surveyUrl}?segment=${segmentId}&compare=${other}`);
		await expect(
			page.getByRole('heading', { name: `${segmentName} vs ${otherName}` }).count()
		).resolves.toBe(1);
		await expect(
			page.locator('[data-chart-table="chart-topic-scores-over-waves"] th').allTextContents()
		).resolves.toContain(
			`${(await page.locator('[data-topic] h3').first().textContent())!.trim()} (${otherName})`
		);
		await page.goto(`${surveyUrl}?segment=999999`);
		await expect(page.getByText('That segment no longer exists').count()).resolves.toBe(1);
	});

	it('tags a comment and sees the tag in top complaints', async () => {
		await page.goto(`${surveyUrl}/comments`);
		// demo comments arrive already tagged by theme; tag one of the newest wave
		expect(await page.locator('[data-top-complaints] li').count()).toBeGreaterThan(0);
		// the demo has more comments than one page holds: page forward and back
		const pages = page.getByRole('navigation', { name: 'Pages' });
		await expect(pages.textContent()).resolves.toMatch(/Page 1 of \d+/);
		// (by answer id: demo comments repeat their texts)
		const shown = () =>
			page
				.locator('[data-answer]')
				.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.answer));
		const page1 = await shown();
		await pages.getByRole('link', { name: 'Next' }).click();
		await page.waitForURL(/page=2/);
		await expect(pages.textContent()).resolves.toMatch(/Page 2 of \d+/);
		const page2 = await shown();
		expect(page2.length).toBeGreaterThan(0);
		expect(page2.filter((id) => page1.includes(id))).toEqual([]);
		await pages.getByRole('link', { name: 'Previous' }).click();
		await page.waitForURL(/page=1/);
		await expect(pages.textContent()).resolves.toMatch(/Page 1 of \d+/);
		const wave = await page.locator('#c-wave option').last().getAttribute('value');
		await page.goto(`${surveyUrl}/comments?wave=${wave}`);
		const first = page.locator('[data-answer]').first();
		await first.locator('input[type="checkbox"]').check();
		await page.getByLabel('Tag the selected comments').fill('Late delivery (e2e)');
		await page.getByRole('button', { name: 'Apply tag' }).click();
		await page.getByText('Tagged 1 comment').waitFor();
		await expect(page.locator('[data-top-complaints]').textContent()).resolves.toContain(
			'Late delivery (e2e)'
		);
		expect(await axeViolations(page)).toEqual([]);
		await page.goto(surveyUrl);
		await expect(
			page.locator('#complaints-title').locator('..').locator('..').textContent()
		).resolves.toContain('Late delivery (e2e)');
	});

	it('resolves a follow-up', async () => {
		await page.goto(`${surveyUrl}/follow-ups?status=open`);
		const item = page.locator('[data-follow-up]').first();
		const id = await item.getAttribute('data-follow-up');
		await item.getByLabel('Status').selectOption('resolved');
		await item.getByLabel('Note').fill('Called the customer, sent a voucher.');
		await item.getByRole('button', { name: 'Save' }).click();
		await page.getByText(`Saved follow-up ${id}.`).waitFor();
		await page.goto(`${surveyUrl}/follow-ups?status=resolved`);
		const resolved = page.locator(`[data-follow-up="${id}"]`);
		await expect(resolved.locator('[data-status]').textContent()).resolves.toBe('resolved');
	});

	it('downloads the CSV with one row per response and stable question columns', async () => {
		await page.goto(surveyUrl);
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download CSV' }).click()
		]);
		const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
		const rows = parseCsv(text).filter((r) => r.length > 1);
		expect(rows[0].slice(0, 3)).toEqual(['response_id', 'wave', 'wave_date']);
		expect(rows[0].some((h) => /^q_[0-9a-f]{32}/.test(h))).toBe(true);
		const ids = new Set(rows.slice(1).map((r) => r[0]));
		expect(ids.size).toBe(rows.length - 1);
		expect(rows.length - 1).toBeGreaterThan(30);
	});

	it('works at 360 px wide', async () => {
		const context = await phoneContext(browser);
		const phone = await context.newPage();
		await signIn(phone, app, ADMIN);
		await phone.goto(surveyUrl);
		await phone.locator('[data-topic]').first().waitFor();
		const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
		await phone.screenshot({ path: 'test/e2e/screenshots/results-dashboard-phone.png' });
		expect(overflow).toBeLessThanOrEqual(360);
		await context.close();
	});
});
