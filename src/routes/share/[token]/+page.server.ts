import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import * as runtime from '$lib/server/runtime';
import * as ratelimit from '$lib/server/ratelimit';
import * as reports from '$lib/server/reports';
import * as sharing from '$lib/server/sharing';

const PROBE_LIMIT = { max: 120, windowSeconds: 10 * 60 };

// A shared, read-only dashboard for people without an account: aggregated and redacted.
export const load: PageServerLoad = async (event) => {
	const db = runtime.db();
	const ip = event.getClientAddress();
	const limit = await ratelimit.hit(db, `share:ip:${ip}`, PROBE_LIMIT);
	if (!limit.allowed) error(429, 'Too many requests: try again in a few minutes.');
	event.setHeaders({
		'Cache-Control': 'private, no-store',
		'X-Robots-Tag': 'noindex, nofollow'
	});
	const now = new Date();
	let link: sharing.ShareLink;
	try {
		link = await sharing.resolve(db, event.params.token, now);
	} catch (e) {
		if (e instanceof sharing.ShareLinkNotFoundError) error(404, 'This share link does not exist.');
		if (e instanceof sharing.ShareLinkGoneError) error(410, e.message);
		throw e;
	}
	const report = await reports.build(db, link.surveyId, {
		now,
		commentLimit: link.hideFreeText ? 0 : 20
	});
	await sharing.logView(db, link, {
		path: '/share',
		ip,
		userAgent: event.request.headers.get('user-agent'),
		now
	});
	return {
		report: sharing.redact(report, link),
		label: link.label,
		expiresAt: link.expiresAt
	};
};
