import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import * as responses from '$lib/server/responses';
import * as results from '$lib/server/results';
import { formError, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';
import { negotiateLanguage, translator, type Translator } from '$lib/i18n/respondent';

// The respondent routes' shared action glue (token links and public links behave alike).

type Access = responses.Access;

/** What a refused post returns to the page. */
export interface Refused {
	problem?: 'invalid' | 'closed' | 'limited';
	errors?: Record<string, string>;
	posted?: [string, string][];
}

/** One shape for every refusal, so pages can read it without narrowing. */
const refusedData = (d: Refused): Refused => d;

/**
 * The load data of a link that is not open (closed, unknown, rate-limited), in the survey's
 * language when known, else the browser's (Accept-Language); sets the page's html lang.
 */
export function problemData(event: RequestEvent, access: Exclude<Access, { kind: 'open' }>) {
	const language =
		access.kind === 'closed'
			? access.language
			: negotiateLanguage(event.request.headers.get('accept-language'));
	event.locals.lang = language;
	return {
		state: access.kind,
		title: access.kind === 'closed' ? access.title : undefined,
		retryAfterSeconds: access.kind === 'limited' ? access.retryAfterSeconds : undefined,
		language
	};
}

/** The page texts of an open link: its survey's language. */
const textsOf = (access: Extract<Access, { kind: 'open' }>): Translator =>
	translator(access.version.definition.language);

function refused(access: Exclude<Access, { kind: 'open' }>) {
	const status = access.kind === 'closed' ? 410 : access.kind === 'limited' ? 429 : 404;
	return fail(status, refusedData({ problem: access.kind }));
}

/** Starts the response (the intro's Start button) and shows its first page. */
export async function startAction(event: RequestEvent, access: Access, back: string) {
	if (access.kind !== 'open') return refused(access);
	const t = textsOf(access);
	try {
		await responses.start(runtime.db(), access.target, {
			now: new Date(),
			ip: event.getClientAddress()
		});
	} catch (e) {
		if (e instanceof responses.RateLimitedError)
			return fail(429, refusedData({ errors: formError(t('tooManyAnswers')) }));
		throw e;
	}
	redirect(303, back);
}

/** Saves a posted page (Next, Back, Submit, or the one-question answer) and moves on. */
export async function pageAction(
	event: RequestEvent,
	access: Access,
	intent: responses.Intent | 'answer',
	back: string,
	/** where to go when the response is complete (default: back) */
	done = back
) {
	if (access.kind !== 'open') return refused(access);
	const t = textsOf(access);
	const form = await readForm(event.request);
	if (!form) return fail(400, refusedData({ errors: formError(t('formUnreadable')) }));
	const opts = { now: new Date(), ip: event.getClientAddress() };
	let outcome: responses.PostOutcome;
	try {
		outcome =
			intent === 'answer'
				? await responses.answerOne(runtime.db(), access, form, opts)
				: await responses.post(runtime.db(), access, form, intent, opts);
	} catch (e) {
		if (e instanceof responses.TamperedFormError)
			return fail(400, refusedData({ errors: formError(`${t(e.code)} ${t('reloadPage')}`) }));
		if (e instanceof responses.RateLimitedError)
			return fail(429, refusedData({ errors: formError(t('tooManyAnswers')) }));
		throw e;
	}
	if (outcome.kind === 'invalid') {
		const posted: [string, string][] = [];
		for (const [k, v] of form.entries())
			if (k.startsWith('q.') && typeof v === 'string') posted.push([k, v]);
		return fail(400, refusedData({ errors: outcome.errors, posted }));
	}
	if (outcome.kind === 'done') {
		results.nudgeCompletions(runtime.db());
		redirect(303, done);
	}
	redirect(303, outcome.appeared ? `${back}?more=1` : back);
}
