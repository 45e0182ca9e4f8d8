import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { can, requireRole, requireUser } from '$lib/server/auth';
import { formObject, readForm } from '$lib/server/forms';
import * as scheduling from '$lib/server/scheduling';
import { recurrence, waves } from '$lib/server/scheduling';
import * as runtime from '$lib/server/runtime';
import { systemClock } from '$lib/server/clock';
import { config } from '$lib/server/config';

const PAGE = 20;
const DAY = 86_400_000;

function idOf(param: string): number {
	const id = Number(param);
	if (!Number.isInteger(id) || id <= 0) error(404, { message: 'That schedule does not exist.' });
	return id;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = runtime.db();
	const s = await scheduling.get(db, idOf(event.params.id));
	if (!s) error(404, { message: 'That schedule does not exist.' });
	const page = Math.max(1, Math.floor(Number(event.url.searchParams.get('page'))) || 1);
	const list = await waves.listForSchedule(db, s.id, { limit: PAGE, offset: (page - 1) * PAGE });
	const now = systemClock.now();
	const upcoming =
		s.pausedAt || !s.nextRunAt
			? []
			: [s.nextRunAt, ...recurrence.nextRuns(s.cron, s.timeZone, s.nextRunAt, 4, s.endsAt)].slice(
					0,
					s.maxWaves ? Math.max(0, s.maxWaves - (await scheduling.scheduledWaveCount(db, s.id))) : 5
				);
	const fmt = (d: Date | null) => (d ? recurrence.formatInZone(d, s.timeZone) : null);
	const preview = scheduling.preview({
		subject: s.mailSubject,
		body: s.mailBody,
		senderName: s.senderName,
		surveyTitle: s.surveyTitle,
		closesAt: new Date(now.getTime() + s.closeAfterDays * DAY),
		timeZone: s.timeZone
	});
	return {
		canEdit: can(user, 'editor'),
		smtp: !!config().SMTP_URL,
		schedule: {
			id: s.id,
			name: s.name,
			surveyId: s.surveyId,
			surveyTitle: s.surveyTitle,
			segmentId: s.segmentId,
			segmentName: s.segmentName,
			recurrenceText: s.recurrenceText,
			cron: s.cron,
			timeZone: s.timeZone,
			startsAt: fmt(s.startsAt),
			endsAt: fmt(s.endsAt),
			maxWaves: s.maxWaves,
			paused: !!s.pausedAt,
			closeAfterDays: s.closeAfterDays,
			reminderDays: s.reminderDays,
			senderName: s.senderName,
			isDemo: s.isDemo
		},
		upcoming: upcoming.map((d) => fmt(d)!),
		waves: list.items.map((w) => ({
			...w,
			when: fmt(w.sentAt ?? w.scheduledFor)!,
			closes: fmt(w.closesAt)
		})),
		page,
		pages: Math.max(1, Math.ceil(list.total / PAGE)),
		preview,
		userEmail: user.email
	};
};

const waveIdSchema = z.coerce.number().int().positive();

async function scheduleOr404(id: number) {
	const s = await scheduling.get(runtime.db(), id);
	if (!s) error(404, { message: 'That schedule does not exist.' });
	return s;
}

export const actions = {
	sendNow: async (event) => {
		requireRole(event, 'editor');
		const s = await scheduleOr404(idOf(event.params.id));
		await waves.sendNow(runtime.db(), s.id, systemClock.now());
		return { done: 'A wave is being prepared now: it appears below and goes out in a moment.' };
	},
	testSend: async (event) => {
		const user = requireRole(event, 'editor');
		const s = await scheduleOr404(idOf(event.params.id));
		await scheduling.testSend(
			runtime.db(),
			{
				subject: s.mailSubject,
				body: s.mailBody,
				senderName: s.senderName,
				surveyTitle: s.surveyTitle,
				closesAt: new Date(systemClock.now().getTime() + s.closeAfterDays * DAY),
				timeZone: s.timeZone
			},
			{ address: user.email, name: user.name }
		);
		return {
			done: `A test e-mail to ${user.email} is on its way${config().SMTP_URL ? '' : ' (see Settings → Outbox)'}.`
		};
	},
	pause: async (event) => {
		requireRole(event, 'editor');
		const s = await scheduleOr404(idOf(event.params.id));
		await scheduling.pause(runtime.db(), s.id, systemClock.now());
		return { done: 'Paused: no waves go out until you resume.' };
	},
	resume: async (event) => {
		requireRole(event, 'editor');
		const s = await scheduleOr404(idOf(event.params.id));
		await scheduling.resume(runtime.db(), s.id, systemClock.now());
		return { done: 'Resumed: the next send time is shown below.' };
	},
	closeWave: async (event) => {
		requireRole(event, 'editor');
		const s = await scheduleOr404(idOf(event.params.id));
		const data = await readForm(event.request);
		const waveId = waveIdSchema.safeParse(data ? formObject(data).waveId : undefined);
		if (!waveId.success) return fail(400, { message: 'Choose a wave.' });
		const ok = await waves.closeOfSchedule(runtime.db(), s.id, waveId.data, systemClock.now());
		if (!ok) return fail(400, { message: 'That wave is not open.' });
		return { done: 'The wave is closed: its links now show “this survey has closed”.' };
	},
	archive: async (event) => {
		requireRole(event, 'editor');
		const s = await scheduleOr404(idOf(event.params.id));
		await scheduling.archive(runtime.db(), s.id, systemClock.now());
		redirect(303, '/schedules');
	}
} satisfies Actions;
