import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	EDITOR,
	VIEWER,
	axeViolations,
	launchBrowser,
	phoneContext,
	signIn,
	startApp,
	type RunningApp,
	gotoHydrated,
	contextWithoutScripts
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

/** Waits for the success message of the last action. */
const saved = (page: Page, text: string) =>
	page.locator('.alert.success[role="status"]', { hasText: text }).waitFor();

describe('authoring a survey in Chromium', () => {
	it('creates from the long-form template, adds a matrix and a logic rule, previews on a phone, publishes v1 and v2, and shows the changelog', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, app, EDITOR);

		// the list and the new-survey page pass axe too
		await page.goto(`${app.url}/surveys`);
		expect(await axeViolations(page)).toEqual([]);
		// create from the long-form template
		await page.goto(`${app.url}/surveys/new`);
		expect(await axeViolations(page)).toEqual([]);
		await page
			.getByRole('button', { name: /Use this template.*Quarterly customer survey/ })
			.click();
		await page.waitForURL(/\/surveys\/\d+$/);
		const surveyUrl = page.url();
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'Quarterly customer survey'
		);

		// add a matrix question to page 1 (it becomes Q6)
		await page
			.getByLabel('Type of the new question on page 1')
			.selectOption({ label: 'Matrix (statements on one scale)' });
		await page.getByRole('button', { name: 'Add question to page 1' }).click();
		const matrix = page.getByRole('form', { name: 'Edit question 6' });
		await matrix.getByLabel('Question 6').fill('How do you rate our checkout?');
		await matrix.getByLabel('Statements').fill('Speed | speed\nClarity | clarity');
		await matrix.getByLabel('Topic').selectOption({ label: 'Website navigation' });
		await matrix.getByRole('button', { name: 'Save question' }).click();
		await saved(page, 'Question saved.');
		expect(await page.getByText('Q6. How do you rate our checkout?', { exact: true }).count()).toBe(
			1
		);

		// add a long-text question with a logic rule on the matrix (Q7)
		await page
			.getByLabel('Type of the new question on page 1')
			.selectOption({ label: 'Long text' });
		await page.getByRole('button', { name: 'Add question to page 1' }).click();
		const followUp = page.getByRole('form', { name: 'Edit question 7' });
		await followUp.getByLabel('Question 7').fill('What slowed you down at checkout?');
		await followUp
			.getByLabel('Condition 1: question')
			.selectOption({ label: 'Q6. How do you rate our checkout? — Speed (1–5)' });
		await followUp.getByLabel('Operator').selectOption({ label: 'is at most' });
		await followUp.getByLabel('Value').fill('2');
		await followUp.getByRole('button', { name: 'Save question' }).click();
		await saved(page, 'Question saved.');
		await expect(
			page.locator('li', { hasText: 'Q7. What slowed you down' }).textContent()
		).resolves.toContain('Shown only when Q6 (speed) is at most 2');

		// axe on the editor page with a question open
		await page.goto(`${surveyUrl}?q=`);
		await page.getByRole('link', { name: 'Edit Q6', exact: true }).click();
		await page.getByRole('form', { name: 'Edit question 6' }).waitFor();
		await page.screenshot({ path: 'test/e2e/screenshots/authoring-editor.png', fullPage: true });
		expect(await axeViolations(page)).toEqual([]);

		// preview at phone width: the logic shows Q7 only after a low speed rating
		const phone = await phoneContext(browser);
		const p = await phone.newPage();
		await signIn(p, app, EDITOR);
		await gotoHydrated(p, `${surveyUrl}/preview?width=phone`);
		const frame = p.getByTestId('preview-frame');
		expect(await frame.getByText('How do you rate our checkout?').count()).toBe(1);
		expect(await frame.getByText('What slowed you down at checkout?').count()).toBe(0);
		await frame.getByRole('group', { name: 'Speed' }).getByText('Strongly disagree').click();
		await frame.getByText('What slowed you down at checkout?').waitFor();
		const width = await p.evaluate(() => document.documentElement.scrollWidth);
		expect(width).toBeLessThanOrEqual(360);
		await p.screenshot({
			path: 'test/e2e/screenshots/authoring-preview-phone.png',
			fullPage: true
		});
		expect(await axeViolations(p)).toEqual([]);
		await phone.close();

		// publish v1
		await page.goto(surveyUrl);
		await page.getByRole('button', { name: 'Publish version 1' }).click();
		await saved(page, 'Version 1 is published.');

		// edit: a new draft, reword Q1, publish v2
		await page.getByRole('button', { name: 'Edit as new version' }).click();
		await saved(page, 'Draft version 2 opened');
		await page.getByRole('link', { name: 'Edit Q1', exact: true }).click();
		const q1 = page.getByRole('form', { name: 'Edit question 1' });
		await q1.getByLabel('Question 1').fill('Where did you first hear about us?');
		await q1.getByRole('button', { name: 'Save question' }).click();
		await saved(page, 'Question saved.');
		await page.getByRole('button', { name: 'Publish version 2' }).click();
		await saved(page, 'Version 2 is published.');

		// the changelog
		await page.getByRole('link', { name: 'Versions' }).click();
		await page.waitForURL(/\/versions$/);
		const v2 = page.locator('section', { has: page.getByRole('heading', { name: /Version 2/ }) });
		await page.screenshot({ path: 'test/e2e/screenshots/authoring-versions.png', fullPage: true });
		expect(await axeViolations(page)).toEqual([]);
		await expect(v2.textContent()).resolves.toContain('Changes since version 1');
		await expect(v2.textContent()).resolves.toContain('Where did you first hear about us?');
		await expect(v2.textContent()).resolves.toContain('Was “How did you first hear about us?”');
		await context.close();
	});

	it('refuses to publish an empty survey and shows script titles as text', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		let dialogs = 0;
		page.on('dialog', (d) => {
			dialogs++;
			void d.dismiss();
		});
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/surveys/new`);
		await page.getByLabel('Title').fill('<script>alert(1)</script>');
		await page.getByRole('button', { name: 'Create survey' }).click();
		await page.waitForURL(/\/surveys\/\d+$/);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'<script>alert(1)</script>'
		);
		await page.getByRole('button', { name: 'Publish version 1' }).click();
		await page
			.getByRole('alert')
			.filter({ hasText: 'Add at least one question before publishing.' })
			.waitFor();
		expect(dialogs).toBe(0);
		await context.close();
	});

	it('shows a viewer the survey read-only, and refuses a viewer’s edit post', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, app, VIEWER);
		await page.goto(`${app.url}/surveys`);
		await page.getByRole('link', { name: 'Quarterly customer survey' }).first().click();
		await page.waitForURL(/\/surveys\/\d+$/);
		await expect(page.getByText('You can read this survey').count()).resolves.toBe(1);
		expect(await page.getByRole('button', { name: /Publish|Delete|Add question/ }).count()).toBe(0);
		expect(await page.getByText('Q1.').count()).toBeGreaterThan(0);
		const res = await page.request.post(`${page.url()}?/addSection`, {
			form: { x: '1' },
			headers: { origin: app.url }
		});
		expect(res.status()).toBe(403);
		await context.close();
	});

	it('lets an editor import a survey and lists the problems of a bad file', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/surveys/new`);
		await page
			.getByLabel('…or paste the JSON')
			.fill('{"definition": {"title": "", "sections": "no"}}');
		await page.getByRole('button', { name: 'Import' }).click();
		const alert = page.locator('#import-errors');
		await alert.waitFor();
		await expect(alert.textContent()).resolves.toMatch(/title/i);
		await context.close();
	});

	it('edits, reorders, deletes and undoes without JavaScript', async () => {
		const context = await contextWithoutScripts(browser);
		const page = await context.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/surveys/new`);
		await page.getByLabel('Title').fill('Without JavaScript');
		await page.getByRole('button', { name: 'Create survey' }).click();
		await page.waitForURL(/\/surveys\/\d+$/);
		for (const [type, prompt] of [
			['Yes / no', 'Did it arrive on time?'],
			['Short text', 'What could be better?']
		]) {
			await page.getByLabel('Type of the new question on page 1').selectOption({ label: type });
			await page.getByRole('button', { name: 'Add question to page 1' }).click();
			const form = page.getByRole('form', { name: /Edit question/ });
			await form.getByLabel(/^Question \d$/).fill(prompt);
			await form.getByRole('button', { name: 'Save question' }).click();
			await saved(page, 'Question saved.');
		}
		const order = () => page.locator('.questions li strong').allTextContents();
		expect(await order()).toEqual(['Q1. Did it arrive on time?', 'Q2. What could be better?']);
		await page.getByRole('button', { name: 'Move Q2 up' }).click();
		await saved(page, 'Question moved.');
		expect(await order()).toEqual(['Q1. What could be better?', 'Q2. Did it arrive on time?']);
		await page.getByRole('button', { name: 'Delete Q1' }).click();
		await saved(page, 'Question deleted.');
		expect(await order()).toEqual(['Q1. Did it arrive on time?']);
		await page.getByRole('button', { name: 'Undo delete' }).click();
		await saved(page, 'Restored.');
		expect(await order()).toEqual(['Q1. What could be better?', 'Q2. Did it arrive on time?']);
		// a field error is shown next to the field, and nothing is stored
		await page.getByRole('link', { name: 'Edit Q2', exact: true }).click();
		const q2 = page.getByRole('form', { name: 'Edit question 2' });
		await q2
			.getByLabel('Condition 1: question')
			.selectOption({ label: 'Q1. What could be better?' });
		await q2.getByRole('button', { name: 'Save question' }).click();
		await expect(
			page.getByRole('form', { name: 'Edit question 2' }).locator('.error').first().textContent()
		).resolves.toBe('Condition 1: enter the value to compare with.');
		expect(await page.getByText('Shown only when').count()).toBe(0);
		await context.close();
	});

	it('fits the editor and the topics page on a 360 px screen', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/surveys`);
		await page.getByRole('link', { name: 'Quarterly customer survey' }).first().click();
		await page.waitForURL(/\/surveys\/\d+$/);
		await page.getByRole('button', { name: 'Edit as new version' }).click();
		await saved(page, 'Draft version');
		await page.getByRole('link', { name: 'Edit Q6', exact: true }).click();
		await page.getByRole('form', { name: 'Edit question 6' }).waitFor();
		const width = () => page.evaluate(() => document.documentElement.scrollWidth);
		expect(await width()).toBeLessThanOrEqual(360);
		await page.goto(`${app.url}/settings/topics`);
		expect(await page.locator('main').evaluate((m) => m.scrollWidth)).toBeLessThanOrEqual(360);
		expect(await axeViolations(page)).toEqual([]);
		await context.close();
	});

	it('adds, renames and archives a topic', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signIn(page, app, EDITOR);
		await gotoHydrated(page, `${app.url}/settings/topics`);
		const add = page.locator('form[action="?/add"]');
		await add.getByLabel('Name', { exact: true }).fill('Returns');
		await add.getByLabel('Target score (0–100)').fill('80');
		await add.getByRole('button', { name: 'Add topic' }).click();
		await saved(page, 'Added the topic “Returns”');
		await page.getByRole('link', { name: 'Returns' }).click();
		await page.waitForURL(/\/settings\/topics\/\d+$/);
		// type only once the page is interactive, so hydration cannot reset what was typed
		await page.waitForLoadState('networkidle');
		await page.getByLabel('Name', { exact: true }).fill('Returns & refunds');
		await page.getByLabel('External benchmark (0–100)').fill('140');
		await page.getByRole('button', { name: 'Save topic' }).click();
		await page.locator('.error', { hasText: '0 to 100' }).waitFor();
		await page.getByLabel('External benchmark (0–100)').fill('71.5');
		await page.getByLabel('Benchmark source').fill('Retail index');
		await page.getByRole('button', { name: 'Save topic' }).click();
		await saved(page, 'Saved.');
		await page.getByRole('button', { name: 'Archive topic' }).click();
		await page.getByRole('button', { name: 'Restore topic' }).waitFor();
		await page.goto(`${app.url}/settings/topics`);
		await expect(
			page.locator('tr', { hasText: 'Returns & refunds' }).textContent()
		).resolves.toContain('archived');
		await context.close();
	});

	it('reorders by drag and drop with JavaScript', async () => {
		// tall enough that both questions are on screen while dragging
		const context = await browser.newContext({ viewport: { width: 1280, height: 1800 } });
		const page = await context.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/surveys/new`);
		await page.getByRole('button', { name: /Use this template.*Order follow-up/ }).click();
		await page.waitForURL(/\/surveys\/\d+$/);
		const last = page.locator('li.question', { hasText: 'Did we handle it the way you wanted?' });
		const first = page.locator('li.question', { hasText: 'Did you complete your order?' });
		await expect(last.getAttribute('draggable')).resolves.toBe('true');
		await last.dragTo(first);
		await saved(page, 'Question moved.');
		await expect(page.locator('.questions li strong').first().textContent()).resolves.toBe(
			'Q1. Did we handle it the way you wanted?'
		);
		await context.close();
	});
});
