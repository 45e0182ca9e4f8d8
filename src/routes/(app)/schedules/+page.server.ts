import type { PageServerLoad } from './$types';
import { can, requireUser } from '$lib/server/auth';
import * as scheduling from '$lib/server/scheduling';
import { recurrence } from '$lib/server/scheduling';
import * as runtime from '$lib/server/runtime';

const PAGE = 25;

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const page = Math.max(1, Math.floor(Number(event.url.searchParams.get('page'))) || 1);
	const { items, total } = await scheduling.list(runtime.db(), {
		limit: PAGE,
		offset: (page - 1) * PAGE
	});
	return {
		canEdit: can(user, 'editor'),
		page,
		pages: Math.max(1, Math.ceil(total / PAGE)),
		total,
		schedules: items.map((s) => ({
			id: s.id,
			name: s.name,
			surveyTitle: s.surveyTitle,
			segmentName: s.segmentName,
			recurrenceText: s.recurrenceText,
			timeZone: s.timeZone,
			paused: !!s.pausedAt,
			isDemo: s.isDemo,
			next: s.nextRunAt ? recurrence.formatInZone(s.nextRunAt, s.timeZone) : null,
			waveCount: s.waveCount
		}))
	};
};
