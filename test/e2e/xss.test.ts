import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
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

// Issue 9, "Access control and web security", XSS (design R6): script and HTML put into every
// author-written field and every respondent-written field render inert in Chromium and in e-mails.

let app: RunningApp;
let browser: Browser;

const PAYLOAD = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>"'&`;
const run = Math.random().toString(36).slice(2, 8);
const domain = `xss-${run}.example.com`;
const COUNTRY = 'LI'; // no demo customer lives in Liechtenstein: the segment matches the import

beforeAll(async () => {
	[app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

const saved = (page: Page, text: string) =>
	page.locator('.alert.success[role="status"]', { hasText: text }).waitFor();

/**
 * The payload on this page (or frame) is inert: no script of it ran, no element of it exists (an
 * injected <img> would exist even though the CSP blocks its handler), and it shows as text.
 */
async function assertInert(where: Page | Frame, label: string): Promise<void> {
	if ('waitForLoadState' in where) await where.waitForLoadState('networkidle');
	const state = await where.evaluate((payload) => {
		const w = window as unknown as { __xss?: unknown };
		return {
			xss: w.__xss,
			imgs: document.querySelectorAll('img[src="x"]').length,
			// SvelteKit's own data script holds the payload as escaped JSON; an injected one would not
			scripts: [...document.scripts].filter((s) => s.textContent === 'window.__xss=1').length,
			shown: document.body.innerText.includes(payload)
		};
	}, PAYLOAD);
	expect(state, label).toEqual({ xss: undefined, imgs: 0, scripts: 0, shown: true });
}

function customerCsv(): string {
	const path = join(mkdtempSync(join(tmpdir(), 'sde-xss-')), 'xss-customers.csv');
	writeFileSync(
		path,
		`Customer ID;E-Mail;Full name;Country\nXSS-${run}-1;customer.1@${domain};"${PAYLOAD.replaceAll('"', '""')}";${COUNTRY}\n`
	);
	return path;
}

describe('script and HTML payloads render inert', () => {
	it('the check itself notices an injected element', async () => {
		const page = await browser.newPage();
		await page.setContent(`<body><p>${PAYLOAD}</p></body>`);
		await expect(
			page.evaluate(() => document.querySelectorAll('img[src="x"]').length)
		).resolves.toBe(1);
		await page.close();
	});

	it('in every author- and respondent-written field, in Chromium and in e-mails', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		let dialogs = 0;
		page.on('dialog', (d) => {
			dialogs++;
			void d.dismiss();
		});
		await signIn(page, app, ADMIN);

		// a topic named with the payload: the topics list and the topic's settings page
		await gotoHydrated(page, `${app.url}/settings/topics`);
		const add = page.locator('form[action="?/add"]');
		await add.getByLabel('Name', { exact: true }).fill(PAYLOAD);
		await add.getByLabel('Target score (0–100)').fill('80');
		await add.getByRole('button', { name: 'Add topic' }).click();
		await saved(page, 'Added the topic');
		await assertInert(page, 'topics list');
		await page.getByRole('link', { name: PAYLOAD, exact: true }).click();
		await page.waitForURL(/\/settings\/topics\/\d+$/);
		await assertInert(page, 'topic settings');

		// a survey titled with the payload, a single-choice question (prompt, option) on that topic
		await page.goto(`${app.url}/surveys/new`);
		await page.getByLabel('Title').fill(PAYLOAD);
		await page.getByRole('button', { name: 'Create survey' }).click();
		await page.waitForURL(/\/surveys\/\d+$/);
		const surveyUrl = page.url();
		const surveyId = Number(/\/surveys\/(\d+)$/.exec(surveyUrl)![1]);
		await page
			.getByLabel('Type of the new question on page 1')
			.selectOption({ label: 'Single choice' });
		await page.getByRole('button', { name: 'Add question to page 1' }).click();
		const q1 = page.getByRole('form', { name: 'Edit question 1' });
		await q1.getByLabel('Question 1').fill(PAYLOAD);
		await q1.getByLabel(/^Options/).fill(`${PAYLOAD} | evil | 100\nPlain option | plain | 0`);
		await q1.getByLabel('Topic').selectOption({ label: PAYLOAD });
		await q1.getByLabel('Scored').check();
		await q1.getByRole('button', { name: 'Save question' }).click();
		await saved(page, 'Question saved.');
		// a long-text question for the respondent's own payload
		await page
			.getByLabel('Type of the new question on page 1')
			.selectOption({ label: 'Long text' });
		await page.getByRole('button', { name: 'Add question to page 1' }).click();
		const q2 = page.getByRole('form', { name: 'Edit question 2' });
		await q2.getByLabel('Question 2').fill('Anything else?');
		await q2.getByRole('button', { name: 'Save question' }).click();
		await saved(page, 'Question saved.');
		// introduction, thank-you message, call-to-action label, page title and description
		await page.goto(surveyUrl);
		await page.getByText('Title, texts and language').click();
		await page.locator('#set-intro').fill(PAYLOAD);
		await page.locator('#set-thanks').fill(PAYLOAD);
		await page.locator('#set-ctaLabel').fill(PAYLOAD);
		await page.locator('#set-ctaUrl').fill('https://example.com/thanks');
		await page.getByRole('button', { name: 'Save texts' }).click();
		await saved(page, 'Survey settings saved.');
		await page.getByText('Page title, description and logic').first().click();
		const pageForm = page.locator('form[action^="?/saveSection"]').first();
		await pageForm.getByLabel('Page title').fill(PAYLOAD);
		await pageForm.getByLabel('Page description').fill(PAYLOAD);
		await pageForm.getByRole('button', { name: 'Save page' }).click();
		await saved(page, 'Page saved.');
		await page.goto(surveyUrl);
		await assertInert(page, 'survey editor');
		expect(await page.getByText(`Q1. ${PAYLOAD}`, { exact: true }).count()).toBe(1);

		// the preview shows title, prompt and option as text
		await page.goto(`${surveyUrl}/preview`);
		await assertInert(page, 'survey preview');
		await expect(
			page.getByTestId('preview-frame').getByText(PAYLOAD, { exact: true }).count()
		).resolves.toBeGreaterThanOrEqual(2);

		await page.goto(surveyUrl);
		await page.getByRole('button', { name: 'Publish version 1' }).click();
		await saved(page, 'Version 1 is published.');
		await page.goto(`${app.url}/surveys`);
		await assertInert(page, 'survey list');
		// the version history and its change list (prompts, options, texts of version 1)
		await page.goto(`${surveyUrl}/versions`);
		await assertInert(page, 'version history');

		// one customer, and a segment named with the payload
		await page.goto(`${app.url}/customers/import`);
		await page.getByLabel('CSV file').setInputFiles(customerCsv());
		await page.getByRole('button', { name: 'Upload and map columns' }).click();
		await page.waitForURL(/\/customers\/import\/\d+$/);
		await expect(page.getByLabel(/^Country/).inputValue()).resolves.toBe('attr:country');
		await page.getByRole('button', { name: 'Start the import' }).click();
		await page.getByText('Import finished').waitFor({ timeout: 30_000 });
		// the imported customer's name: customer list and customer page
		await page.goto(`${app.url}/customers?q=${encodeURIComponent(`XSS-${run}`)}`);
		await assertInert(page, 'customer list');
		await page.locator('tbody tr a').first().click();
		await page.waitForURL(/\/customers\/\d+$/);
		await assertInert(page, 'customer page');
		await page.goto(`${app.url}/segments/new`);
		await page.getByLabel('Name', { exact: true }).fill(PAYLOAD);
		await page.getByRole('button', { name: '+ attribute condition' }).click();
		await page.getByLabel('Attribute').fill('country');
		await page.getByLabel('Value').fill(COUNTRY);
		await page.getByLabel(/Take this share/).fill('100');
		await page.getByRole('button', { name: 'Create segment' }).click();
		await page.waitForURL(/\/segments\/\d+\?saved=1$/);
		const segmentId = /\/segments\/(\d+)/.exec(page.url())![1];
		await assertInert(page, 'segment page');
		await page.goto(`${app.url}/segments`);
		await assertInert(page, 'segment list');

		// a schedule whose e-mail subject and text carry the payload
		await page.goto(`${app.url}/schedules/new`);
		await page.getByLabel('Name', { exact: true }).fill(PAYLOAD);
		await page.getByLabel('Survey').selectOption(String(surveyId));
		await page.getByLabel('Segment').selectOption(segmentId);
		await page.getByLabel('Sender name').fill(PAYLOAD);
		await page.getByLabel('Subject').fill(PAYLOAD);
		await page
			.getByLabel('Text', { exact: true })
			.fill(`Hello {{name}},\n\n${PAYLOAD}\n\n{{link}}`);
		await page.getByRole('button', { name: 'Create schedule' }).click();
		await page.waitForURL(/\/schedules\/\d+\?created=1/);
		await page.locator('details', { hasText: 'HTML part (source)' }).locator('summary').click();
		await assertInert(page, 'schedule page with its e-mail preview');
		const previewHtml = (await page
			.locator('details', { hasText: 'HTML part (source)' })
			.locator('pre')
			.textContent())!;
		expect(previewHtml).toContain('&lt;img src=x');
		expect(previewHtml).not.toContain('<img src=x');

		await page.getByRole('button', { name: 'Send a wave now' }).click();
		await page.getByText(/A wave is being prepared now/).waitFor();
		const wave = page.locator('tbody tr').first();
		await expect.poll(() => wave.textContent(), { timeout: 30_000 }).toMatch(/open/);

		// the invitation in the outbox viewer: text shown as text, HTML part escaped
		const to = `customer.1@${domain}`;
		const outbox = `${app.url}/settings/outbox?status=sent&q=${encodeURIComponent(to)}`;
		const mail = page.locator('tbody tr a').first();
		for (let tries = 0; ; tries++) {
			await page.goto(outbox);
			if (await mail.count()) break;
			expect(tries, 'the invitation reaches the outbox within a minute').toBeLessThan(60);
			await page.waitForTimeout(1000);
		}
		await assertInert(page, 'outbox list');
		await mail.click();
		await page.waitForURL(/\/settings\/outbox\/\d+$/);
		await page.locator('details', { hasText: 'HTML part (source)' }).locator('summary').click();
		await assertInert(page, 'outbox viewer');
		const html = (await page
			.locator('details', { hasText: 'HTML part (source)' })
			.locator('pre')
			.textContent())!;
		expect(html).toContain('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;');
		expect(html).toContain('&lt;script&gt;');
		expect(html).not.toContain('<img src=x');
		expect(html).not.toContain('<script');
		const link = await page.getByRole('link', { name: /\/s\/[0-9a-f]{64}$/ }).getAttribute('href');

		// the customer sees the payload as text, and answers with it
		const phone = await phoneContext(browser);
		const p = await phone.newPage();
		p.on('dialog', (d) => {
			dialogs++;
			void d.dismiss();
		});
		await p.goto(link!);
		await assertInert(p, 'respondent page');
		const start = p.getByRole('button', { name: 'Start the survey' });
		if (await start.isVisible()) await start.click();
		await p.locator('#progress').waitFor();
		await assertInert(p, 'respondent question page');
		await p.getByText(PAYLOAD, { exact: true }).last().click();
		await p.locator('form [data-question] textarea').fill(PAYLOAD);
		await p.locator('form .nav button.primary').click();
		await p.getByText('Your answers are recorded.').waitFor();
		await assertInert(p, 'thank-you page with its call-to-action');
		expect(await p.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBe(
			undefined
		);
		await phone.close();

		// the team's results: the dashboard and the free-text comment
		await gotoUntil(
			page,
			`${app.url}/results/${surveyId}`,
			async () => (await page.locator('[data-topic] [data-score]').count()) > 0
		);
		await assertInert(page, 'results dashboard');
		await expect(page.locator('[data-topic] h3').allTextContents()).resolves.toContain(PAYLOAD);
		await page.locator('[data-topic] h3 a', { hasText: 'window.__xss' }).click();
		await page.waitForURL(/\/topics\/\d+/);
		await assertInert(page, 'topic results');
		await page.goto(`${app.url}/results/${surveyId}/comments`);
		await assertInert(page, 'comments list');
		await expect(page.locator('[data-answer] blockquote').allTextContents()).resolves.toEqual([
			PAYLOAD
		]);

		expect(dialogs).toBe(0);
		await context.close();
	});
});
