import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startApp, type RunningApp } from './harness';

let app: RunningApp;
beforeAll(async () => {
	app = await startApp();
});
afterAll(async () => {
	await app?.stop();
});

async function signInCookie(): Promise<string> {
	const res = await fetch(`${app.url}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: app.url,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html'
		},
		body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password })
	});
	const cookie = res.headers.get('set-cookie') ?? '';
	return cookie.split(';')[0];
}

describe('web security', () => {
	it('sends a CSP without inline scripts and the protective headers on every page', async () => {
		for (const path of ['/login', '/does-not-exist']) {
			const res = await fetch(`${app.url}${path}`);
			const csp = res.headers.get('content-security-policy') ?? '';
			const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
			expect(scriptSrc).toContain("'self'");
			expect(scriptSrc).not.toContain('unsafe-inline');
			expect(scriptSrc).not.toContain('unsafe-eval');
			expect(csp).toContain("frame-ancestors 'none'");
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			expect(res.headers.get('referrer-policy')).toBe('same-origin');
		}
	});

	it('sets the session cookie httpOnly and SameSite=Lax, and rotates it on every sign-in', async () => {
		const res = await fetch(`${app.url}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: app.url,
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html'
			},
			body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password })
		});
		expect(res.status).toBe(303);
		const cookie = res.headers.get('set-cookie') ?? '';
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
		const second = await signInCookie();
		expect(second).not.toBe(cookie.split(';')[0]);
	});

	it('answers a tampered session cookie with the sign-in page, not an error', async () => {
		const res = await fetch(`${app.url}/`, {
			redirect: 'manual',
			headers: { cookie: 'soundings_session=forged-value-that-is-not-a-session' }
		});
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toContain('/login');
	});

	it('refuses a form post without an Origin header', async () => {
		const res = await fetch(`${app.url}/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'email=a%40b.c&password=x'
		});
		expect(res.status).toBe(403);
	});

	it('answers a malformed or oversized sign-in post with a clear 4xx, never a 500', async () => {
		const malformed = await fetch(`${app.url}/login`, {
			method: 'POST',
			headers: {
				origin: app.url,
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html'
			},
			body: 'email=%E0%A4%A&password'
		});
		expect(malformed.status).toBeGreaterThanOrEqual(400);
		expect(malformed.status).toBeLessThan(500);
		const huge = await fetch(`${app.url}/login`, {
			method: 'POST',
			headers: {
				origin: app.url,
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html'
			},
			body: 'email=' + 'a'.repeat(5_000_000)
		});
		expect(huge.status).toBeGreaterThanOrEqual(400);
		expect(huge.status).toBeLessThan(500);
	});

	it('reports health for load balancers', async () => {
		const res = await fetch(`${app.url}/healthz`);
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.ok).toBe(true);
		expect(body.migrations).toBe('current');
	});
});
