import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
	ADMIN,
	launchBrowser,
	phoneContext,
	signIn,
	startApp,
	type RunningApp,
	gotoHydrated,
	gotoUntil
} from './harness';

// Issue 9, "the journey": what a marketer, a customer and a team member do, on a fresh app, with
// the journey's own survey, customers, segment and schedule (the demo data only keeps it company).

let app: RunningApp;
let browser: Browser;

const SHOTS = 'test/e2e/screenshots';
const run = Math.random().toString(36).slice(2, 8);
const domain = `journey-${run}.example.com`;
const COUNTRY = 'IS'; // no demo customer lives in Iceland: the segment matches only the import
const CUSTOMERS = 5;

beforeAll(async () => {
	mkdirSync(SHOTS, { recursive: true });
	[app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

let step = 0;
const shots: Record<string, string> = {};
/**
 * A numbered screenshot of this step: test/e2e/screenshots/journey-NN-<name>.png. The whole page,
 * or only the viewport (fullPage false), or the page from the top down to the end of `until`.
 */
async function shot(page: Page, name: string, fullPage = true, until?: Locator): Promise<void> {
	const path = join(SHOTS, `journey-${String(++step).padStart(2, '0')}-${name}.png`);
	await page.evaluate(() => window.scrollTo(0, 0));
	const box = until ? await until.boundingBox() : null;
	const width = page.viewportSize()!.width;
	await page.screenshot(
		box
			? { path, fullPage: true, clip: { x: 0, y: 0, width, height: box.y + box.height + 16 } }
			: { path, fullPage }
	);
	shots[name] = path;
}

/** The success message of the last action. */
const saved = (page: Page, text: string) =>
	page.locator('.alert.success[role="status"]', { hasText: text }).waitFor();

/** Whether any of the inputs is checked. */
const anyChecked = (inputs: Locator) =>
	inputs.evaluateAll((els) => els.some((e) => (e as HTMLInputElement).checked));

/**
 * Answers every visible, not yet answered question on the current respondent page: one radio per
 * group (on scales a positive one), one checkbox per group, text in text fields, a number within
 * the bounds, and distinct options in selects (ranking). Returns how many controls it changed.
 */
async function answerVisible(page: Page): Promise<number> {
	let changed = 0;
	const blocks = page.locator('form [data-question]:not([hidden])');
	for (let i = 0; i < (await blocks.count()); i++) {
		const block = blocks.nth(i);
		if (!(await block.isVisible())) continue;
		for (const type of ['radio', 'checkbox'] as const) {
			const names = await block
				.locator(`input[type="${type}"]`)
				.evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLInputElement).name))]);
			for (const name of names) {
				const group = block.locator(`input[type="${type}"][name="${name}"]:not([value="_other"])`);
				if (await anyChecked(block.locator(`input[name="${name}"]`))) continue;
				const n = await group.count();
				// scales (4+ points): the second best; short lists (yes/no, choices): the first
				const pick = type === 'radio' && n >= 4 ? n - 2 : 0;
				await block.locator(`label[for="${await group.nth(pick).getAttribute('id')}"]`).click();
				changed++;
			}
		}
		const texts = block.locator(
			'input[type="text"]:not([name$=".other"]):visible, textarea:visible'
		);
		for (let j = 0; j < (await texts.count()); j++) {
			if (await texts.nth(j).inputValue()) continue;
			await texts.nth(j).fill('Quick delivery and friendly help, thank you.');
			changed++;
		}
		const numbers = block.locator('input[type="number"]:visible');
		for (let j = 0; j < (await numbers.count()); j++) {
			const input = numbers.nth(j);
			if (await input.inputValue()) continue;
			const min = Number((await input.getAttribute('min')) ?? 1);
			const max = Number((await input.getAttribute('max')) ?? min + 10);
			await input.fill(String(Math.round((min + max) / 2)));
			changed++;
		}
		const selects = block.locator('select:visible');
		for (let j = 0; j < (await selects.count()); j++) {
			const select = selects.nth(j);
			if (await select.inputValue()) continue;
			const values = (
				await select.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))
			).filter((v): v is string => !!v);
			await select.selectOption(values[j % values.length]);
			changed++;
		}
	}
	return changed;
}

/** Answers and moves on, page after page, until the thank-you page; returns the pages seen. */
async function completeSurvey(page: Page): Promise<number> {
	const thanks = page.getByText('Your answers are recorded.');
	const progress = page.locator('#progress');
	let pages = 0;
	for (let guard = 0; guard < 40; guard++) {
		if (await thanks.isVisible()) return pages;
		const where = (await progress.textContent())!.trim();
		// answering can reveal more questions (logic); answer until nothing new shows up
		for (let k = 0; k < 5 && (await answerVisible(page)) > 0; k++);
		if (!(await page.locator('#error-summary').isVisible()))
			await shot(page, `respondent-page-${pages + 1}`, false);
		const error = await page.locator('#error-summary').isVisible();
		await page.locator('form .nav button.primary').click();
		await page.waitForFunction(
			(before) =>
				!document.querySelector('#progress') ||
				document.querySelector('#progress')!.textContent!.trim() !== before ||
				!!document.querySelector('#error-summary'),
			where
		);
		if (!(await page.locator('#error-summary').isVisible())) pages++;
		else if (error) throw new Error(`the page "${where}" keeps refusing the answers`);
	}
	throw new Error('the survey did not end');
}

function customerCsv(): string {
	const path = join(mkdtempSync(join(tmpdir(), 'sde-journey-')), 'journey-customers.csv');
	const lines = ['Customer ID;E-Mail;Full name;Country'];
	for (let i = 1; i <= CUSTOMERS; i++)
		lines.push(`JOURNEY-${run}-${i};customer.${i}@${domain};Journey Customer ${i};${COUNTRY}`);
	writeFileSync(path, lines.join('\n') + '\n');
	return path;
}

describe('the journey, end to end in Chromium', () => {
	it('survey → customers → segment → schedule → e-mail → answer on a phone → dashboard', async () => {
		const admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const page = await admin.newPage();

		// 1. a marketer signs in and lands on the start page
		await signIn(page, app, ADMIN);
		await page.getByRole('heading', { level: 1 }).first().waitFor();
		await shot(page, 'home', false);

		// 2. a survey from the long-form template, published
		await gotoHydrated(page, `${app.url}/surveys/new`); // type only once hydrated
		await page
			.getByRole('button', { name: /Use this template.*Quarterly customer survey/ })
			.click();
		await page.waitForURL(/\/surveys\/\d+$/);
		const surveyId = Number(/\/surveys\/(\d+)$/.exec(page.url())![1]);
		await shot(page, 'survey-from-template');
		await page.getByRole('button', { name: 'Publish version 1' }).click();
		await saved(page, 'Version 1 is published.');
		await shot(page, 'survey-published');

		// 3. customers imported from a CSV, through the mapping step
		await gotoHydrated(page, `${app.url}/customers/import`); // type only once hydrated
		await page.getByLabel('CSV file').setInputFiles(customerCsv());
		await page.getByRole('button', { name: 'Upload and map columns' }).click();
		await page.waitForURL(/\/customers\/import\/\d+$/);
		await page.waitForLoadState('networkidle');
		await expect(page.getByLabel(/^E-Mail/).inputValue()).resolves.toBe('email');
		await expect(page.getByLabel(/^Country/).inputValue()).resolves.toBe('attr:country');
		await shot(page, 'import-mapping');
		await page.getByRole('button', { name: 'Start the import' }).click();
		await page.getByText('Import finished').waitFor({ timeout: 30_000 });
		await expect(page.getByRole('status').first().textContent()).resolves.toContain(
			`${CUSTOMERS} created`
		);
		await shot(page, 'import-finished');

		// 4. a segment of exactly those customers, with its count
		await gotoHydrated(page, `${app.url}/segments/new`); // type only once hydrated
		await page.getByLabel('Name', { exact: true }).fill(`Journey customers ${run}`);
		await page.getByRole('button', { name: '+ attribute condition' }).click();
		await page.getByLabel('Attribute').fill('country');
		await page.getByLabel('Value').fill(COUNTRY);
		await page.getByLabel(/Take this share/).fill('100');
		await page.getByRole('button', { name: 'Update count' }).click();
		await expect
			.poll(() => page.getByTestId('segment-count').textContent())
			.toMatch(new RegExp(`^\\s*${CUSTOMERS} customers match; ${CUSTOMERS} after 100% sampling`));
		await shot(page, 'segment-count');
		await page.getByRole('button', { name: 'Create segment' }).click();
		await page.waitForURL(/\/segments\/\d+\?saved=1$/);
		const segmentId = /\/segments\/(\d+)/.exec(page.url())![1];
		await expect(page.getByTestId('segment-count').textContent()).resolves.toContain(
			`${CUSTOMERS} customers match`
		);

		// 5. a schedule of the new survey to that segment, and a wave sent now
		await gotoHydrated(page, `${app.url}/schedules/new`); // type only once hydrated
		await page.getByLabel('Name', { exact: true }).fill(`Journey quarterly ${run}`);
		await page.getByLabel('Survey').selectOption(String(surveyId));
		await page.getByLabel('Segment').selectOption(segmentId);
		await shot(page, 'schedule-form');
		await page.getByRole('button', { name: 'Create schedule' }).click();
		await page.waitForURL(/\/schedules\/\d+\?created=1/);
		await page.getByRole('button', { name: 'Send a wave now' }).click();
		await page.getByText(/A wave is being prepared now/).waitFor();
		const wave = page.locator('tbody tr').first();
		await expect.poll(() => wave.textContent(), { timeout: 30_000 }).toMatch(/open/);
		expect(Number(await wave.locator('td').nth(2).textContent())).toBe(CUSTOMERS);
		await shot(page, 'wave-sent');

		// 6. the invitation, opened in the outbox viewer (the worker sends every 2 s)
		const to = `customer.1@${domain}`;
		const outbox = `${app.url}/settings/outbox?status=sent&q=${encodeURIComponent(to)}`;
		const mail = page.locator('tbody tr a').first();
		for (let tries = 0; ; tries++) {
			await page.goto(outbox);
			if (await mail.count()) break;
			expect(tries, 'the invitation reaches the outbox within a minute').toBeLessThan(60);
			await page.waitForTimeout(1000);
		}
		await shot(page, 'outbox');
		await mail.click();
		await page.waitForURL(/\/settings\/outbox\/\d+$/);
		await page.getByText(to).first().waitFor();
		const link = await page.getByRole('link', { name: /\/s\/[0-9a-f]{64}$/ }).getAttribute('href');
		expect(link).toMatch(new RegExp(`^${app.url}/s/[0-9a-f]{64}$`));
		await shot(page, 'invitation-mail');

		// 7. the customer answers the whole survey on a phone
		const phone = await phoneContext(browser);
		const p = await phone.newPage();
		await p.goto(link!);
		await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'Quarterly customer survey'
		);
		await shot(p, 'respondent-intro', false);
		const start = p.getByRole('button', { name: 'Start the survey' });
		if (await start.isVisible()) await start.click();
		await p.locator('#progress').waitFor();
		const pages = await completeSurvey(p);
		expect(pages).toBeGreaterThanOrEqual(7);
		await expect(p.getByText('Your answers are recorded.').isVisible()).resolves.toBe(true);
		await shot(p, 'respondent-thank-you', false);
		await phone.close();

		// 8. back as the team: the answer counts in the topic dashboard and the trend chart
		const scored = page.locator('[data-topic] [data-score]');
		await gotoUntil(page, `${app.url}/results/${surveyId}`, async () => (await scored.count()) > 0);
		const scores = await scored.allTextContents();
		const responded = page.locator('dl.figures div', { hasText: 'Responded' }).locator('dd');
		await expect(responded.textContent()).resolves.toBe('1');
		expect(scores.length).toBeGreaterThanOrEqual(5);
		expect(scores.every((s) => /^\d+(\.\d)?$/.test(s.trim()))).toBe(true);
		const canvas = page.locator('canvas[data-chart="chart-topic-scores-over-waves"]');
		await canvas.waitFor();
		await page.waitForFunction(() => {
			const c = document.querySelector<HTMLCanvasElement>(
				'canvas[data-chart="chart-topic-scores-over-waves"]'
			);
			return !!c && c.width > 0 && !c.parentElement?.textContent?.includes('Loading chart');
		});
		// the headline figures and every topic card
		await shot(page, 'dashboard', false, page.locator('.topic-cards'));
		const figure = page.locator('figure', { has: canvas });
		await figure.getByRole('button', { name: 'Show as table' }).click();
		const table = figure.locator('[data-chart-table]');
		await table.waitFor({ state: 'visible' });
		const firstCard = page.locator('[data-topic]').first();
		const topic = (await firstCard.locator('h3').textContent())!.trim();
		const score = (await firstCard.locator('[data-score]').textContent())!.trim();
		const rows = table.locator('tbody tr');
		expect(await rows.count()).toBe(1);
		await expect(rows.first().locator(`td[data-series="${topic}"]`).textContent()).resolves.toMatch(
			new RegExp(`^\\s*${score.replace('.', '\\.')}\\s*$`)
		);
		await shot(page, 'dashboard-trend-table');
		await admin.close();

		// the README shows a few current screenshots (committed under docs/)
		if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
			copyFileSync(shots.home, 'docs/screenshot-home.png');
			copyFileSync(shots['respondent-page-1'], 'docs/screenshot-respondent.png');
			copyFileSync(shots.dashboard, 'docs/screenshot-dashboard.png');
		}
	});
});
