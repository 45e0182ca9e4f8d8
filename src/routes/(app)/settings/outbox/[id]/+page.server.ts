import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import * as mail from '$lib/server/mail';
import * as runtime from '$lib/server/runtime';
import { systemClock } from '$lib/server/clock';

function idOf(param: string): number {
	const id = Number(param);
	if (!Number.isSafeInteger(id) || id <= 0) error(404, { message: 'That message does not exist.' });
	return id;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const m = await mail.get(runtime.db(), idOf(event.params.id));
	if (!m) error(404, { message: 'That message does not exist.' });
	return { message: m, keptNote: mail.KEPT_NOTE };
};

export const actions = {
	retry: async (event) => {
		requireRole(event, 'editor');
		const id = idOf(event.params.id);
		try {
			await mail.retry(runtime.db(), id, systemClock.now());
		} catch (e) {
			if (e instanceof mail.NotRetryableError) return fail(400, { message: e.message });
			throw e;
		}
		return { done: 'Queued again: the sender tries it within a few seconds.' };
	}
} satisfies Actions;
