import type { Actions, PageServerLoad, RequestEvent } from './$types';
import * as responses from '$lib/server/responses';
import * as runtime from '$lib/server/runtime';
import { pageAction, problemData, startAction } from '../respond.server';

const access = (event: RequestEvent, markOpened = false) =>
	responses.byToken(runtime.db(), event.params.token, {
		ip: event.getClientAddress(),
		now: new Date(),
		markOpened
	});

export const load: PageServerLoad = async (event) => {
	event.setHeaders({ 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' });
	const a = await access(event, true);
	if (a.kind !== 'open') return problemData(event, a);
	event.locals.lang = a.version.definition.language;
	return { state: 'open' as const, view: await responses.view(runtime.db(), a) };
};

export const actions = {
	start: async (event) => startAction(event, await access(event), event.url.pathname),
	next: async (event) => pageAction(event, await access(event), 'next', event.url.pathname),
	back: async (event) => pageAction(event, await access(event), 'back', event.url.pathname)
} satisfies Actions;
