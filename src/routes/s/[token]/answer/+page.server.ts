import type { Actions, PageServerLoad, RequestEvent } from './$types';
import * as responses from '$lib/server/responses';
import * as runtime from '$lib/server/runtime';
import { pageAction, problemData } from '../../respond.server';

const access = (event: RequestEvent, markOpened = false) =>
	responses.byToken(runtime.db(), event.params.token, {
		ip: event.getClientAddress(),
		now: new Date(),
		markOpened
	});

// The one-question flow: e-mail links like /s/<token>/answer?v=no open this page; only its
// button (a POST) records the answer, which can be changed while the wave is open.
export const load: PageServerLoad = async (event) => {
	event.setHeaders({ 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' });
	const a = await access(event, true);
	if (a.kind !== 'open') return problemData(event, a);
	event.locals.lang = a.version.definition.language;
	const { view, recorded } = await responses.answerView(
		runtime.db(),
		a,
		event.url.searchParams.get('v')
	);
	return { state: 'open' as const, view, recorded };
};

export const actions = {
	answer: async (event) =>
		// more pages after the first: the respondent continues in the normal flow
		pageAction(
			event,
			await access(event),
			'answer',
			`/s/${event.params.token}`,
			`${event.url.pathname}?sent=1`
		)
} satisfies Actions;
