import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, phoneContext, startApp, type RunningApp } from './harness';

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
	[app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

/** A fresh invitation to the 3-page sample survey, through the test-only hook (SOUNDINGS_ENV=test). */
async function invitation(query = ''): Promise<{ token: string; surveyId: number }> {
	const res = await fetch(`${app.url}/s/test-invitation${query}`, { method: 'POST' });
	expect(res.status).toBe(200);
	return (await res.json()) as { token: string; surveyId: number };
}

/** axe-core runs inside the page, so only where JavaScript is on (the markup is the same). */
async function noViolations(page: Page) {
	if (!(await jsOn(page))) return;
	expect(await axeViolations(page)).toEqual([]);
}

const jsEnabled = new WeakMap<object, boolean>();
async function jsOn(page: Page): Promise<boolean> {
	return jsEnabled.get(page.context()) ?? true;
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const choice = (page: Page, text: string) =>
	page.locator('label.choice', { hasText: new RegExp(`^\\s*${text}\\s*$`) });

/** Walks the sample survey; with JS the logic question appears live, without it after a post. */
async function completeSurvey(page: Page, url: string, js: boolean) {
	await page.goto(url);
	expect(await heading(page)).toBe('Sample quarterly survey');
	await noViolations(page);
	await page.getByRole('button', { name: 'Start the survey' }).click();
	await page.waitForURL(url);
	expect(await heading(page)).toBe('Your order');
	await expect(page.getByText('Page 1 of 3').isVisible()).resolves.toBe(true);
	// nothing is answered yet, so nothing claims to be saved
	await expect(page.getByText(/answers were saved at/).count()).resolves.toBe(0);
	await noViolations(page);

	// required question left empty: error summary at the top, tied to the field
	await page.getByRole('button', { name: 'Next' }).click();
	await expect(page.getByRole('alert').textContent()).resolves.toContain(
		'Please answer this question.'
	);
	await noViolations(page);

	const whatWrong = page.getByLabel('What went wrong?');
	await expect(whatWrong.isVisible()).resolves.toBe(false);
	await choice(page, 'No').click();
	if (!js) {
		// without JavaScript the server evaluates the logic when the page is posted
		await page.getByRole('button', { name: 'Next' }).click();
		await expect(page.getByText('More questions appeared').isVisible()).resolves.toBe(true);
	}
	await expect(whatWrong.isVisible()).resolves.toBe(true);
	await whatWrong.fill('The parcel was late.');
	await page.getByRole('button', { name: 'Next' }).click();
	await page.waitForURL(url);
	expect(await heading(page)).toBe('Value and delivery');
	await expect(page.getByText('Page 2 of 3').isVisible()).resolves.toBe(true);

	await choice(page, 'Agree').click();
	if (js) {
		// unsaved answers survive a reload (sessionStorage), and the page says they are not saved
		await expect(page.getByText('not saved yet').isVisible()).resolves.toBe(true);
		await page.reload();
		await expect(page.getByText('We restored answers').isVisible()).resolves.toBe(true);
		await expect(page.getByRole('radio', { name: 'Agree', exact: true }).isChecked()).resolves.toBe(
			true
		);
	}
	const speed = page.getByRole('group', { name: 'Speed' });
	await speed.locator('label.choice', { hasText: 'Very good' }).click();
	await noViolations(page);
	await page.getByRole('button', { name: 'Next' }).click();
	await page.waitForURL(url);
	expect(await heading(page)).toBe('Overall');

	// leave and come back: the survey resumes where the respondent stopped
	const again = await page.context().newPage();
	await again.goto(url);
	expect(await heading(again)).toBe('Overall');
	await again.close();

	// Back shows the saved answers of the previous page
	await page.getByRole('button', { name: 'Back' }).click();
	await page.waitForURL(url);
	expect(await heading(page)).toBe('Value and delivery');
	await expect(page.getByRole('radio', { name: 'Agree', exact: true }).isChecked()).resolves.toBe(
		true
	);
	await expect(page.getByText(/answers were saved at/).isVisible()).resolves.toBe(true);
	await page.getByRole('button', { name: 'Next' }).click();
	await page.waitForURL(url);

	await choice(page, '9').click();
	await page.getByLabel('Card').check();
	await noViolations(page);
	await page.getByRole('button', { name: 'Submit' }).click();
	await page.waitForURL(url);
	await expect(page.getByText('Thank you!').isVisible()).resolves.toBe(true);
	await expect(page.getByRole('link', { name: 'Shop again' }).getAttribute('href')).resolves.toBe(
		'https://shop.example.com'
	);
	await noViolations(page);

	// submit twice: back to the last page's form and submit again → the thank-you page, no error
	await page.goBack();
	await page.goBack();
	if (await page.getByRole('button', { name: 'Submit' }).isVisible()) {
		await page.getByRole('button', { name: 'Submit' }).click();
		await page.waitForURL(url);
	}
	await expect(page.getByText('Thank you!').isVisible()).resolves.toBe(true);
}

describe('the respondent survey in Chromium on a phone', () => {
	it('completes the 3-page survey with JavaScript, resumes, survives a reload, submits twice', async () => {
		const { token } = await invitation();
		const context = await phoneContext(browser);
		const page = await context.newPage();
		const scripts: string[] = [];
		page.on('response', (r) => {
			if (r.request().resourceType() === 'script') scripts.push(r.url());
		});
		await completeSurvey(page, `${app.url}/s/${token}`, true);
		// design P5: at most 40 KB of gzipped JavaScript on the respondent route
		let total = 0;
		for (const url of new Set(scripts)) {
			const body = Buffer.from(await (await fetch(url)).arrayBuffer());
			total += gzipSync(body).length;
		}
		expect(scripts.length).toBeGreaterThan(0);
		expect(total).toBeLessThanOrEqual(40 * 1024);
		await context.close();
	});

	it('completes the same survey with JavaScript turned off', async () => {
		const { token } = await invitation();
		const context = await phoneContext(browser, { javaScriptEnabled: false });
		jsEnabled.set(context, false);
		const page = await context.newPage();
		await completeSurvey(page, `${app.url}/s/${token}`, false);
		await context.close();
	});

	it.each([true, false])(
		'shows a German survey in German, JavaScript %s: buttons, progress, errors',
		async (js) => {
			const { token } = await invitation('?lang=de');
			const url = `${app.url}/s/${token}`;
			const context = await phoneContext(browser, { javaScriptEnabled: js });
			jsEnabled.set(context, js);
			const page = await context.newPage();
			await page.goto(url);
			await expect(page.locator('html').getAttribute('lang')).resolves.toBe('de');
			await expect(
				page.getByText('Ihre Antworten werden Seite für Seite gespeichert').isVisible()
			).resolves.toBe(true);
			await noViolations(page);
			await page.getByRole('button', { name: 'Umfrage starten' }).click();
			await page.waitForURL(url);
			await expect(page.getByText('Seite 1 von 3').isVisible()).resolves.toBe(true);
			await expect(page.getByText('(Pflichtfrage)').first().isVisible()).resolves.toBe(true);
			await expect(page.getByText(/gespeichert um|um .* gespeichert/).count()).resolves.toBe(0);
			// the server's validation message and the error summary, in German
			await page.getByRole('button', { name: 'Weiter' }).click();
			const alert = page.getByRole('alert');
			await expect(alert.getByRole('heading').textContent()).resolves.toBe(
				'Bitte überprüfen Sie Ihre Angaben'
			);
			await expect(alert.textContent()).resolves.toContain('Bitte beantworten Sie diese Frage.');
			await expect(page.locator('fieldset .error').first().textContent()).resolves.toContain(
				'Bitte beantworten Sie diese Frage.'
			);
			await noViolations(page);
			// the default yes/no labels follow the survey's language too
			await choice(page, 'Ja').click();
			await page.getByRole('button', { name: 'Weiter' }).click();
			await page.waitForURL(url);
			await expect(page.getByText('Seite 2 von 3').isVisible()).resolves.toBe(true);
			await page.getByRole('button', { name: 'Zurück' }).click();
			await page.waitForURL(url);
			await expect(
				page.getByText(/Ihre Antworten wurden um .* gespeichert\./).isVisible()
			).resolves.toBe(true);
			await expect(page.getByRole('button', { name: 'Weiter' }).isVisible()).resolves.toBe(true);
			await noViolations(page);
			await context.close();
		}
	);

	it("shows an unknown link in the browser's language", async () => {
		const context = await phoneContext(browser);
		await context.setExtraHTTPHeaders({ 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.5' });
		const page = await context.newPage();
		await page.goto(`${app.url}/s/${'y'.repeat(43)}`);
		expect(await heading(page)).toBe('Ce lien n’est pas valide');
		await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
		await noViolations(page);
		await context.close();
	});

	it('shows clear pages for a closed wave and an unknown link, and the page language', async () => {
		const { token } = await invitation('?closed=1');
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await page.goto(`${app.url}/s/${token}`);
		expect(await heading(page)).toBe('This survey has closed');
		await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
		await noViolations(page);
		await page.goto(`${app.url}/s/${'x'.repeat(43)}`);
		expect(await heading(page)).toBe('This link is not valid');
		await noViolations(page);
		await context.close();
	});

	it('answers the one-question page with one tap, and asks what went wrong on a "no"', async () => {
		const { token } = await invitation('?kind=transactional');
		const context = await phoneContext(browser);
		const page = await context.newPage();
		// a GET never records anything: the page only pre-selects the answer
		await page.goto(`${app.url}/s/${token}/answer?v=no`);
		await expect(page.getByRole('radio', { name: 'No' }).isChecked()).resolves.toBe(true);
		await expect(page.getByLabel('What went wrong?').isVisible()).resolves.toBe(true);
		await noViolations(page);
		await page.getByLabel('What went wrong?').fill('Nobody called back.');
		await page.getByRole('button', { name: 'Send my answer' }).click();
		await page.waitForURL(/sent=1/);
		await expect(page.getByText('Your answer is recorded').isVisible()).resolves.toBe(true);
		// the answer can be changed while the wave is open
		await choice(page, 'Yes').click();
		await page.getByRole('button', { name: 'Send my answer' }).click();
		await page.waitForURL(/sent=1/);
		await expect(page.getByRole('radio', { name: 'Yes' }).isChecked()).resolves.toBe(true);
		await context.close();
	});

	it('keeps one anonymous response per browser on a public link', async () => {
		const { surveyId } = await invitation('?public=1');
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await page.goto(`${app.url}/s/public/${surveyId}`);
		await expect(page.getByText('Your answers are anonymous.').isVisible()).resolves.toBe(true);
		await page.getByRole('button', { name: 'Start the survey' }).click();
		expect(await heading(page)).toBe('Your order');
		await choice(page, 'Yes').click();
		await page.getByRole('button', { name: 'Next' }).click();
		expect(await heading(page)).toBe('Value and delivery');
		// the same browser comes back to its own response
		await page.goto(`${app.url}/s/public/${surveyId}`);
		expect(await heading(page)).toBe('Value and delivery');
		await noViolations(page);
		await context.close();
	});

	it('answers 300 generated bad posts with a 400 and changes nothing (design R4)', async () => {
		const { token } = await invitation();
		const url = `${app.url}/s/${token}`;
		const headers = { accept: 'text/html', origin: app.url };
		const post = (action: string, body: URLSearchParams | string, type?: string) =>
			fetch(`${url}?/${action}`, {
				method: 'POST',
				headers: { ...headers, ...(type ? { 'content-type': type } : {}) },
				body,
				redirect: 'manual'
			});
		expect((await post('start', new URLSearchParams())).status).toBe(303);
		const before = await (await fetch(url)).text();
		const id = '00000000-0000-4000-8000-00000000000';
		const payloads = fc.sample(
			fc.record({
				section: fc.oneof(fc.constantFrom('0', '1', '2'), fc.string({ maxLength: 4 })),
				entries: fc.array(
					fc.tuple(
						fc.oneof(
							fc.integer({ min: 1, max: 7 }).map((n) => `q.${id}${n}`),
							fc.uuid().map((u) => `q.${u}`),
							fc.string({ maxLength: 30 })
						),
						fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('99', '-5', 'maybe'))
					),
					{ maxLength: 8 }
				),
				poison: fc.constantFrom(
					[`q.${id}1`, 'maybe'],
					[`q.${id}3`, '9'],
					[`q.${id}5`, '11'],
					[`q.00000000-0000-4000-8000-999999999999`, '1'],
					[`q.${id}3`, 'x'.repeat(25_000)]
				),
				action: fc.constantFrom('next', 'back')
			}),
			{ numRuns: 300, seed: 42 }
		);
		const statuses = new Set<number>();
		for (const p of payloads) {
			const body = new URLSearchParams([
				['section', p.section],
				...p.entries,
				[...p.poison]
			] as string[][]);
			const res = await post(p.action, body);
			statuses.add(res.status);
			await res.body?.cancel();
		}
		// a malformed body and a wrong content type are refused too
		statuses.add((await post('next', '%%%', 'application/x-www-form-urlencoded')).status);
		statuses.add((await post('next', '{"a":1}', 'application/json')).status);
		expect([...statuses].every((s) => s >= 400 && s < 500)).toBe(true);
		const after = await (await fetch(url)).text();
		// still the untouched first page: the same HTML, apart from the CSP nonce
		const strip = (html: string) => html.replace(/nonce-[^'"]+|nonce="[^"]+"/g, '');
		expect(after).toContain('Page 1 of 3');
		expect(strip(after)).toBe(strip(before));
	});
});
