import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from './sessions';

/** Sets the session cookie: httpOnly, SameSite=Lax, Secure over HTTPS. */
export function setSessionCookie(
	event: { cookies: Cookies; url: URL },
	token: string,
	expires: Date
): void {
	event.cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		expires
	});
}

export function clearSessionCookie(event: { cookies: Cookies; url: URL }): void {
	event.cookies.delete(SESSION_COOKIE, { path: '/', secure: event.url.protocol === 'https:' });
}
