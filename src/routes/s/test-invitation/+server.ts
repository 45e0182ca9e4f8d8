import { error, json, type RequestHandler } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { seedInvitation } from '$lib/server/responses/testing';
import * as runtime from '$lib/server/runtime';

// Test-only hook for end-to-end tests: creates a sample survey with one invitation and returns the
// raw link token. It exists only when SOUNDINGS_ENV=test AND the request comes from this machine;
// everywhere else it is a plain 404 (docs/operations.md).
export const POST: RequestHandler = async (event) => {
	const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(event.getClientAddress());
	if (config().SOUNDINGS_ENV !== 'test' || !local) error(404, 'Not found');
	const closed = event.url.searchParams.get('closed') === '1';
	const publicEnabled = event.url.searchParams.get('public') === '1';
	const transactional = event.url.searchParams.get('kind') === 'transactional';
	const lang = event.url.searchParams.get('lang') ?? undefined;
	const language = lang && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(lang) ? lang : undefined;
	return json(
		await seedInvitation(runtime.db(), { closed, publicEnabled, transactional, language })
	);
};
