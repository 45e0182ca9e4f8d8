import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	ADMIN,
	axeViolations,
	launchBrowser,
	signIn,
	startApp,
	type RunningApp,
	gotoHydrated
} from './harness';

let app: RunningApp;
let browser: Browser;
// a local receiver for webhooks (the app runs with SOUNDINGS_ENV=test, so loopback is allowed)
let receiver: Server;
let receiverUrl = '';
const received: { signature: string; body: string }[] = [];

beforeAll(async () => {
	receiver = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ signature: String(req.headers['soundings-signature']), body });
			res.writeHead(200).end('ok');
		});
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/soundings`;
	[app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
	await new Promise<void>((r) => receiver.close(() => r()));
});

function verified(secret: string, header: string, body: string): boolean {
	const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
	return !!m && createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') === m[2];
}

async function createApiKey(page: Page): Promise<string> {
	await page.goto(`${app.url}/settings/api-keys`);
	await page.getByLabel('Name').fill('Help desk');
	await page.getByRole('button', { name: 'Create key' }).click();
	const key = await page.getByTestId('new-api-key').textContent();
	expect(key).toMatch(/^sdk_/);
	return key!.trim();
}

function postEvents(key: string, body: unknown) {
	return fetch(`${app.url}/api/v1/events`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

describe('triggered surveys in Chromium', () => {
	it('an event sends the one-question survey; "No" in the e-mail opens a follow-up in the queue', async () => {
		const page = await browser.newPage();
		await signIn(page, app, ADMIN);
		const key = await createApiKey(page);

		// a trigger with no wait, so the running worker sends at once
		await page.goto(`${app.url}/triggers/new`);
		expect(await axeViolations(page)).toEqual([]);
		await page.getByLabel('Name', { exact: true }).fill('Ticket closed right away');
		await page.getByLabel('Event type', { exact: true }).fill('ticket.closed');
		await page
			.getByLabel('Survey', { exact: true })
			.selectOption({ label: 'Service request: one question (transactional) · one-click answers' });
		const surveyId = await page.getByLabel('Survey', { exact: true }).inputValue();
		expect(surveyId).not.toBe('');
		await page.getByLabel('Wait', { exact: true }).fill('0');
		await page.getByRole('button', { name: 'Create trigger' }).click();
		await page.waitForURL(/\/triggers\/\d+\?created=1/);
		await expect(page.getByRole('status').textContent()).resolves.toMatch(/active/);

		// close the loop: new follow-ups go to the admin, who is e-mailed; a webhook tells the CRM
		await page.goto(`${app.url}/triggers/assignment`);
		await page.getByLabel('To one owner').check();
		const adminId = await page
			.locator('#owner_id option', { hasText: ADMIN.email })
			.getAttribute('value');
		await page.getByLabel('Owner', { exact: true }).selectOption(adminId!);
		await page.getByLabel(/E-mail the owner/).check();
		await page.getByRole('button', { name: 'Save rule' }).click();
		await page.getByRole('status').waitFor();
		await page.goto(`${app.url}/settings/webhooks`);
		await page.getByLabel('URL', { exact: true }).fill(receiverUrl);
		await page.getByRole('button', { name: 'Add webhook' }).click();
		await page.getByRole('heading', { name: receiverUrl }).waitFor();
		await page.getByText('Signing secret', { exact: true }).click();
		const secret = (await page
			.locator('code', { hasText: /^whsec_/ })
			.first()
			.textContent())!;

		// bad events: 400 with a message per field, nothing stored
		const bad = await postEvents(key, {
			id: 'evt-bad',
			type: 'ticket.closed',
			occurred_at: '2999-01-01T00:00:00Z',
			customer: {},
			colour: 'red'
		});
		expect(bad.status).toBe(400);
		const badBody = await bad.json();
		expect(Object.keys(badBody.errors).sort()).toEqual([
			'colour',
			'customer.external_id',
			'occurred_at'
		]);

		const event = {
			id: 'evt-e2e-1',
			type: 'ticket.closed',
			occurred_at: new Date().toISOString(),
			customer: { external_id: 'e2e-cust-1', email: 'erin@example.com', name: 'Erin E2E' },
			reference: 'TICKET-1'
		};
		const ok = await postEvents(key, event);
		expect(ok.status).toBe(202);
		expect(await ok.json()).toMatchObject({ created: 1, status: 'created' });
		const replay = await postEvents(key, event);
		expect(await replay.json()).toMatchObject({ created: 0, duplicates: 1, status: 'duplicate' });

		// the worker turns the due send into an invitation and an e-mail kept in the outbox
		let found = false;
		for (let i = 0; i < 60 && !found; i++) {
			await page.goto(`${app.url}/settings/outbox?q=erin%40example.com`);
			found =
				(await page.getByRole('link', { name: /handled your request|quick question/i }).count()) >
				0;
			if (!found) await page.waitForTimeout(500);
		}
		expect(found).toBe(true);
		await page
			.getByRole('link', { name: /handled your request|quick question/i })
			.first()
			.click();
		await page.waitForURL(/\/settings\/outbox\/\d+/);
		const no = page.locator('a[href*="/answer?v=no"]').first();
		expect(await no.count()).toBe(1);
		const href = (await no.getAttribute('href'))!;
		expect(href).toMatch(/\/s\/[A-Za-z0-9_-]+\/answer\?v=no$/);
		await no.click();

		// the page shows the choice, records nothing until the button is pressed
		await page.waitForURL(/\/answer\?v=no/);
		await expect(page.getByLabel('No', { exact: true }).isChecked()).resolves.toBe(true);
		await page.getByLabel('What went wrong?').fill('Nobody called me back.');
		await page.getByRole('button', { name: 'Send my answer' }).click();
		await page.waitForLoadState('load');
		await expect(page.getByText('Your answer is recorded').count()).resolves.toBeGreaterThan(0);

		// the follow-up is in the queue
		await page.goto(`${app.url}/results/${surveyId}/follow-ups`);
		await expect(page.getByText('Erin E2E').count()).resolves.toBeGreaterThan(0);

		// the owner's e-mail is in the outbox, and the CRM got both signed webhooks
		// (assigned by the completion queue's flush, a moment after the submit)
		let notified = 0;
		for (let i = 0; i < 20 && notified === 0; i++) {
			if (i > 0) await page.waitForTimeout(250);
			await page.goto(`${app.url}/settings/outbox?q=${encodeURIComponent(ADMIN.email)}`);
			notified = await page.getByRole('link', { name: /New follow-up/ }).count();
		}
		expect(notified).toBe(1);
		for (let i = 0; i < 40 && received.length < 2; i++) await page.waitForTimeout(500);
		const types = received.map((r) => JSON.parse(r.body).type).sort();
		expect(types).toEqual(['follow_up.opened', 'response.completed']);
		for (const r of received) expect(verified(secret, r.signature, r.body)).toBe(true);
		const opened = JSON.parse(received.find((r) => r.body.includes('follow_up.opened'))!.body);
		expect(opened.data.follow_up.customer.external_id).toBe('e2e-cust-1');
		expect(opened.data.follow_up.assignee.email).toBe(ADMIN.email);

		// and the trigger page tells what happened
		await page.goto(`${app.url}/triggers`);
		await expect(page.getByText('evt-e2e-1').count()).resolves.toBe(1);
		expect(await axeViolations(page)).toEqual([]);
		await page.close();
	});

	it('webhook settings refuse a non-http URL and list a new webhook with its secret', async () => {
		const page = await browser.newPage();
		await signIn(page, app, ADMIN);
		await gotoHydrated(page, `${app.url}/settings/webhooks`);
		await page.getByLabel('URL', { exact: true }).fill('ftp://example.com/hooks');
		await page.getByRole('button', { name: 'Add webhook' }).click();
		await page.getByText('Use an http:// or https:// URL.').waitFor();
		await page.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/hooks');
		await page.getByRole('button', { name: 'Add webhook' }).click();
		await page.getByRole('heading', { name: 'http://127.0.0.1:9/hooks' }).waitFor();
		await page.getByRole('button', { name: 'Send test' }).last().click();
		let logged = false;
		for (let i = 0; i < 30 && !logged; i++) {
			await page.goto(`${app.url}/settings/webhooks`);
			logged = (await page.getByText(/ECONNREFUSED|connect/).count()) > 0;
			if (!logged) await page.waitForTimeout(500);
		}
		expect(logged).toBe(true);
		expect(await axeViolations(page)).toEqual([]);
		await page.close();
	});
});
