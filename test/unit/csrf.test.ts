import { describe, expect, it } from 'vitest';
import { refuseCrossSiteForm } from '$lib/server/csrf';

const url = (p: string) => new URL(`https://app.example.com${p}`);
const post = (p: string, headers: Record<string, string>) =>
	refuseCrossSiteForm(new Request(url(p), { method: 'POST', headers }), url(p));
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('cross-site form check', () => {
	it('refuses a form POST from another origin or without an origin, with 403', async () => {
		const r = post('/schedules/new?/create', { ...form, origin: 'https://evil.test' });
		expect(r?.status).toBe(403);
		expect(await r?.text()).toBe('Cross-site POST form submissions are forbidden');
		expect(post('/login', form)?.status).toBe(403);
		expect(post('/login', { 'content-type': 'multipart/form-data; boundary=x' })?.status).toBe(403);
	});

	it('lets same-origin forms, JSON APIs and GETs through', () => {
		expect(post('/login', { ...form, origin: 'https://app.example.com' })).toBeNull();
		expect(post('/api/v1/events', { 'content-type': 'application/json' })).toBeNull();
		expect(refuseCrossSiteForm(new Request(url('/u/abc')), url('/u/abc'))).toBeNull();
	});

	it('accepts the RFC 8058 one-click unsubscribe POST without an origin, only at /u/<token>', () => {
		expect(post('/u/0123abcd', form)).toBeNull();
		expect(post('/u/0123abcd/other', form)?.status).toBe(403);
	});
});
