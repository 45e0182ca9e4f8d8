import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
	EDITOR,
	axeViolations,
	launchBrowser,
	signIn,
	startApp,
	type RunningApp,
	gotoHydrated
} from './harness';

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
	app = await startApp();
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

describe('scheduling in the browser', () => {
	it('create a schedule, see next send times, send a wave now, open the mail, follow its link', async () => {
		const page = await browser.newPage();
		await signIn(page, app, EDITOR);

		// a bad cron expression is refused with a message next to the field, nothing saved
		// the Repeats choice shows its fields once the page's script runs: wait for it
		await gotoHydrated(page, `${app.url}/schedules/new`);
		await page.getByLabel('Name', { exact: true }).fill('E2E weekly pulse');
		await page.getByLabel('Survey').selectOption({ label: 'Quarterly customer survey' });
		await page
			.getByLabel('Segment')
			.selectOption({ label: 'Completed an order in the last 90 days' });
		await page.getByLabel('Repeats').selectOption('custom');
		await page.getByLabel(/Cron expression/).fill('61 9 * * 1');
		await page.getByRole('button', { name: 'Create schedule' }).click();
		await expect
			.poll(() => page.locator('#cron-error').textContent())
			.toMatch(/Not a valid cron expression/);
		expect(page.url()).toContain('/schedules/new');

		await page.getByLabel('Repeats').selectOption('weekly');
		await page.getByLabel(/Weekday/).selectOption({ label: 'Tuesday' });
		await page.getByLabel('Time of day').fill('10:30');
		await page.getByLabel('Time zone').selectOption('America/New_York');
		await page.getByRole('button', { name: 'Create schedule' }).click();
		await page.waitForURL(/\/schedules\/\d+\?created=1/);
		const scheduleUrl = page.url().split('?')[0];

		// the next five send times, in the schedule's zone
		const times = page.getByRole('list', { name: 'Next send times' }).getByRole('listitem');
		await expect.poll(() => times.count()).toBe(5);
		const first = await times.first().textContent();
		expect(first).toMatch(/^Tue, .*10:30 GMT-[45]$/);
		expect(await axeViolations(page)).toEqual([]);

		// send a wave now: the page follows its progress until the invitations are out
		await page.getByRole('button', { name: 'Send a wave now' }).click();
		await page.getByText(/A wave is being prepared now/).waitFor();
		const row = page.locator('tbody tr').first();
		await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/open/);
		const invited = Number(await row.locator('td').nth(2).textContent());
		expect(invited).toBeGreaterThan(0);

		// the mail is kept in the app (no SMTP): open it in the outbox viewer
		await page.goto(`${app.url}/settings/outbox?status=sent`);
		await page.getByText(/No SMTP server is configured/).waitFor();
		await page.locator('tbody tr a').first().click();
		await page.waitForURL(/\/settings\/outbox\/\d+$/);
		await page.getByText(/kept in app/).waitFor();
		await page.getByText('List-Unsubscribe-Post').waitFor();
		const surveyLink = page.getByRole('link', { name: /\/s\/[0-9a-f]{64}$/ });
		const href = await surveyLink.getAttribute('href');
		expect(href).toMatch(new RegExp(`^${app.url}/s/[0-9a-f]{64}$`));
		expect(await axeViolations(page)).toEqual([]);

		// follow the link as the customer would: the respondent page opens the survey
		await surveyLink.click();
		await page.waitForURL(/\/s\/[0-9a-f]{64}/);
		const res = await page.request.get(href!);
		expect(res.status()).toBe(200);
		await expect.poll(() => page.locator('h1').first().textContent()).toBeTruthy();
		expect(await page.content()).not.toMatch(/not valid|not found/i);

		// back on the schedule, the wave shows its funnel
		await page.goto(scheduleUrl);
		await expect.poll(() => page.locator('tbody tr').first().textContent()).toMatch(/open/);
		await page.close();
	});

	it('the unsubscribe link asks before it unsubscribes, and a test send lands in the outbox', async () => {
		const page = await browser.newPage();
		await signIn(page, app, EDITOR);
		await page.goto(`${app.url}/schedules`);
		await page.getByRole('link', { name: 'Quarterly customer survey' }).first().click();
		await page.getByRole('button', { name: /Test send to/ }).click();
		await page.getByText(/A test e-mail to .* is on its way/).waitFor();
		await page.goto(`${app.url}/settings/outbox`);
		await page
			.getByRole('link', { name: /^\[Test\]/ })
			.first()
			.waitFor();

		await page.goto(`${app.url}/settings/outbox?status=sent`);
		await page.locator('tbody tr a', { hasNotText: '[Test]' }).first().click();
		const unsub = await page.getByRole('link', { name: /\/u\/[0-9a-f]{64}$/ }).getAttribute('href');
		const customer = await browser.newPage();
		await customer.goto(unsub!);
		await customer.getByText(/Stop survey invitations to/).waitFor();
		await customer.getByRole('button', { name: 'Unsubscribe' }).click();
		await customer.getByText('You are unsubscribed.').waitFor();
		// RFC 8058 one-click: the mail provider's POST without an Origin header is accepted
		const oneClick = await fetch(unsub!, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'List-Unsubscribe=One-Click'
		});
		expect(oneClick.status).toBe(200);
		// other cross-site form posts are still refused
		const forged = await fetch(`${app.url}/schedules/new?/create`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.test' },
			body: 'name=x'
		});
		expect(forged.status).toBe(403);
		await customer.close();
		await page.close();
	});
});
