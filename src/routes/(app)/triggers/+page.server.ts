import type { Actions, PageServerLoad } from './$types';
import { can, requireUser } from '$lib/server/auth';
import * as events from '$lib/server/events';
import * as triggers from '$lib/server/triggers';
import * as runtime from '$lib/server/runtime';
import { pauseAction } from './actions.server';

const PAGE = 20;

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const page = Math.max(1, Math.floor(Number(event.url.searchParams.get('page'))) || 1);
	const db = runtime.db();
	const [list, recent] = await Promise.all([
		triggers.list(db, { limit: PAGE, offset: (page - 1) * PAGE }),
		events.recent(db, { limit: 10 })
	]);
	return {
		triggers: list.items.map((t) => ({
			...t,
			delay: triggers.describeDelay({
				delay_kind: t.delayKind,
				delay_minutes: t.delayMinutes,
				local_time: t.localTime
			}),
			conditionText: triggers.describeConditions(t.conditions)
		})),
		total: list.total,
		page,
		pages: Math.max(1, Math.ceil(list.total / PAGE)),
		events: recent.items,
		eventTotal: recent.total,
		canEdit: can(user, 'editor')
	};
};

export const actions = { pause: pauseAction } satisfies Actions;
