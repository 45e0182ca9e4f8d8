import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { can, requireRole, requireUser } from '$lib/server/auth';
import * as triggers from '$lib/server/triggers';
import * as runtime from '$lib/server/runtime';
import { pauseAction } from '../actions.server';

const PAGE = 25;

function idOf(raw: string): number {
	const id = Number(raw);
	if (!Number.isInteger(id) || id <= 0) error(404, { message: 'That trigger does not exist.' });
	return id;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const id = idOf(event.params.id);
	const db = runtime.db();
	const t = await triggers.get(db, id);
	if (!t) error(404, { message: 'That trigger does not exist.' });
	const page = Math.max(1, Math.floor(Number(event.url.searchParams.get('page'))) || 1);
	const [sends, waves] = await Promise.all([
		triggers.sends(db, id, { limit: PAGE, offset: (page - 1) * PAGE }),
		triggers.waves(db, id)
	]);
	return {
		trigger: t,
		delay: triggers.describeDelay({
			delay_kind: t.delayKind,
			delay_minutes: t.delayMinutes,
			local_time: t.localTime
		}),
		conditionText: triggers.describeConditions(t.conditions),
		sends: sends.items,
		sendTotal: sends.total,
		page,
		pages: Math.max(1, Math.ceil(sends.total / PAGE)),
		waves,
		canEdit: can(user, 'editor'),
		created: event.url.searchParams.has('created'),
		saved: event.url.searchParams.has('saved')
	};
};

export const actions = {
	pause: pauseAction,
	archive: async (event) => {
		requireRole(event, 'editor');
		try {
			await triggers.archive(runtime.db(), idOf(event.params.id), new Date());
		} catch (e) {
			if (e instanceof triggers.TriggerNotFoundError) return fail(404, { message: e.message });
			throw e;
		}
		redirect(303, '/triggers');
	}
} satisfies Actions;
