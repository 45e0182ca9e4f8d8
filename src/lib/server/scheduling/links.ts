import { config } from '../config';

/** The public base URL for links in e-mails: ORIGIN, else localhost on PORT. */
export function baseUrl(): string {
	const c = config();
	return (c.ORIGIN ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
}

export const surveyLink = (base: string, token: string) => `${base}/s/${token}`;
export const unsubscribeLink = (base: string, token: string) => `${base}/u/${token}`;

/** RFC 2369 / RFC 8058 headers for one-click unsubscribe. */
export function unsubscribeHeaders(url: string): Record<string, string> {
	return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
