import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import * as ratelimit from '$lib/server/ratelimit';
import * as scheduling from '$lib/server/scheduling';
import * as runtime from '$lib/server/runtime';
import { systemClock } from '$lib/server/clock';

// Unsubscribe: the GET only shows a confirm button (mail scanners prefetch links); the POST,
// from that button or from a mail provider's RFC 8058 one-click request, unsubscribes.
const LIMIT = { max: 60, windowSeconds: 600 };

async function limited(ip: string): Promise<boolean> {
	return !(await ratelimit.hit(runtime.db(), `unsubscribe:${ip}`, LIMIT)).allowed;
}

export const load: PageServerLoad = async ({ params, getClientAddress, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'x-robots-tag': 'noindex' });
	if (await limited(getClientAddress())) return { state: 'limited' as const };
	const target = await scheduling.findUnsubscribeTarget(runtime.db(), params.token);
	if (!target) return { state: 'unknown' as const };
	return {
		state: target.unsubscribed ? ('already' as const) : ('confirm' as const),
		email: target.maskedEmail
	};
};

export const actions = {
	default: async ({ params, getClientAddress }) => {
		if (await limited(getClientAddress()))
			return fail(429, { message: 'Too many attempts. Please try again in a few minutes.' });
		const ok = await scheduling.unsubscribe(runtime.db(), params.token, systemClock.now());
		if (!ok) return fail(404, { message: 'This unsubscribe link is not valid.' });
		return { unsubscribed: true };
	}
} satisfies Actions;
