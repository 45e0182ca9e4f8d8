import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { loginSchema, safeNext } from '$lib/schemas/auth';
import { login, sessions } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { config } from '$lib/server/config';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return { next: safeNext(url.searchParams.get('next')) };
};

export const actions = {
	default: async (event) => {
		const form = await readForm(event.request);
		if (!form)
			return fail(400, {
				email: '',
				errors: formError('The form could not be read. Please try again.')
			});
		const values = formObject(form);
		const parsed = loginSchema.safeParse(values);
		const email = (values.email ?? '').slice(0, 320);
		if (!parsed.success) return fail(400, { email, errors: fieldErrors(parsed.error) });
		const result = await login(runtime.db(), {
			...parsed.data,
			ip: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent') ?? undefined,
			sessionDays: config().SESSION_DAYS
		});
		if (!result.ok) {
			const message =
				result.reason === 'rate_limited'
					? `Too many sign-in attempts. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`
					: result.reason === 'disabled'
						? 'This account has been disabled. Ask an admin to re-enable it.'
						: 'That e-mail and password do not match an account.';
			return fail(result.reason === 'rate_limited' ? 429 : 400, {
				email,
				errors: formError(message)
			});
		}
		// A fresh token on every sign-in, and any previous session cookie is replaced.
		if (event.locals.sessionToken) await sessions.remove(runtime.db(), event.locals.sessionToken);
		setSessionCookie(event, result.token, result.expiresAt);
		redirect(303, safeNext(values.next));
	}
} satisfies Actions;
