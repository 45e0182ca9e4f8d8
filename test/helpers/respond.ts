import { expect } from 'vitest';
import * as responses from '$lib/server/responses';
import type { Db } from '$lib/server/db';

// A respondent's side of the integration tests: open a link, post a page.

/** The respondent's address (rate limits count per address). */
export const IP = '203.0.113.7';

/** A question's form field name (`q.<id>`, or `q.<id>.<part>`). */
export const f = (id: string, part?: string) => (part ? `q.${id}.${part}` : `q.${id}`);

export type Open = Extract<responses.Access, { kind: 'open' }>;

/** Opens a survey link as the respondent would; the link must be open. */
export async function open(db: Db, token: string): Promise<Open> {
	const a = await responses.byToken(db, token, { ip: IP, now: new Date(), markOpened: true });
	expect(a.kind).toBe('open');
	return a as Open;
}

/** A posted page: its section index and its fields. */
export function form(section: number, entries: [string, string][]): FormData {
	const fd = new FormData();
	fd.set('section', String(section));
	for (const [k, v] of entries) fd.append(k, v);
	return fd;
}
