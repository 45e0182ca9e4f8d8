import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { ConfigError, config } from '$lib/server/config';
import { DatabaseUnavailableError } from '$lib/server/db';
import { MigrationError } from '$lib/server/db/migrate';
import * as runtime from '$lib/server/runtime';
import { sessions } from '$lib/server/auth';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { refuseCrossSiteForm } from '$lib/server/csrf';

export const init: ServerInit = async () => {
	try {
		await runtime.start();
	} catch (e) {
		if (
			e instanceof ConfigError ||
			e instanceof DatabaseUnavailableError ||
			e instanceof MigrationError
		) {
			console.error(`\nSoundings cannot start.\n${e.message}\n`);
			process.exit(1);
		}
		throw e;
	}
};

export const handle: Handle = async ({ event, resolve }) => {
	const refused = refuseCrossSiteForm(event.request, event.url);
	if (refused) return refused;
	event.locals.user = null;
	event.locals.sessionToken = null;
	const token = event.cookies.get(sessions.SESSION_COOKIE);
	if (token) {
		const days = config().SESSION_DAYS;
		const valid = await sessions.validate(runtime.db(), token, { days });
		if (valid) {
			event.locals.user = valid.user;
			event.locals.sessionToken = token;
			if (valid.renewed) setSessionCookie(event, token, valid.expiresAt);
		} else {
			clearSessionCookie(event);
		}
	}
	event.locals.lang = 'en';
	const response = await resolve(event, {
		// a respondent page sets locals.lang to its survey's language in its load
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang)
	});
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (event.url.protocol === 'https:') {
		response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	}
	if (event.locals.user && !response.headers.has('Cache-Control')) {
		response.headers.set('Cache-Control', 'private, no-store');
	}
	return response;
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: 'We could not find that page.' };
	const id = randomUUID();
	console.error(`[${id}] ${event.request.method} ${event.url.pathname}:`, error);
	return {
		message: status >= 500 ? 'Something went wrong on our side. It has been logged.' : message,
		id
	};
};
