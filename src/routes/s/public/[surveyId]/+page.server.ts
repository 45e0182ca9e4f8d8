import type { Actions, PageServerLoad, RequestEvent } from './$types';
import * as responses from '$lib/server/responses';
import { randomToken } from '$lib/server/crypto';
import * as runtime from '$lib/server/runtime';
import { pageAction, problemData, startAction } from '../../respond.server';

// A public link (no token) for a survey with public_enabled: anonymous responses, one per
// browser (a random cookie, kept as responses.browser_key), new responses rate-limited per IP.
const COOKIE = 'soundings_browser';

function browserKey(event: RequestEvent, create: boolean): string | null {
	const current = event.cookies.get(COOKIE);
	if (current && /^[A-Za-z0-9_-]{22,64}$/.test(current)) return current;
	if (!create) return null;
	const key = randomToken();
	event.cookies.set(COOKIE, key, {
		path: '/s/public',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		maxAge: 60 * 60 * 24 * 365
	});
	return key;
}

function access(event: RequestEvent, create: boolean) {
	const id = Number(event.params.surveyId);
	const locale = event.request.headers.get('accept-language')?.split(/[,;]/)[0]?.trim() || 'en';
	return responses.byPublicLink(
		runtime.db(),
		Number.isSafeInteger(id) && id > 0 ? id : 0,
		browserKey(event, create),
		{ ip: event.getClientAddress(), now: new Date(), locale: safeLocale(locale) }
	);
}

function safeLocale(tag: string): string {
	try {
		return Intl.getCanonicalLocales(tag)[0] ?? 'en';
	} catch {
		return 'en';
	}
}

export const load: PageServerLoad = async (event) => {
	event.setHeaders({ 'cache-control': 'private, no-store' });
	const a = await access(event, false);
	if (a.kind !== 'open') return problemData(event, a);
	event.locals.lang = a.version.definition.language;
	return { state: 'open' as const, view: await responses.view(runtime.db(), a) };
};

export const actions = {
	start: async (event) => startAction(event, await access(event, true), event.url.pathname),
	next: async (event) => pageAction(event, await access(event, true), 'next', event.url.pathname),
	back: async (event) => pageAction(event, await access(event, true), 'back', event.url.pathname)
} satisfies Actions;
