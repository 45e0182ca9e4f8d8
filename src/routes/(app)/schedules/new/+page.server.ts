import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import { DEFAULT_BODY, DEFAULT_SUBJECT } from '$lib/schemas/schedules';
import * as scheduling from '$lib/server/scheduling';
import * as runtime from '$lib/server/runtime';
import { systemClock } from '$lib/server/clock';
import { formData, readScheduleForm, scheduleFailure } from '../form.server';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const options = await formData();
	const surveyId = event.url.searchParams.get('survey') ?? '';
	return {
		...options,
		defaults: {
			name: '',
			surveyId,
			segmentId: '',
			preset: 'quarterly',
			weekday: '1',
			day: '1',
			time: '09:00',
			cron: '',
			timeZone: 'Europe/Berlin',
			startsOn: new Date().toISOString().slice(0, 10),
			endsOn: '',
			maxWaves: '',
			closeAfterDays: '14',
			reminder1: '5',
			reminder2: '',
			senderName: 'Customer team',
			mailSubject: DEFAULT_SUBJECT,
			mailBody: DEFAULT_BODY
		}
	};
};

export const actions = {
	create: async (event) => {
		const user = requireRole(event, 'editor');
		const read = await readScheduleForm(event.request);
		if (!('input' in read)) return read;
		let id: number;
		try {
			id = await scheduling.create(runtime.db(), read.input, {
				now: systemClock.now(),
				userId: user.id
			});
		} catch (e) {
			return scheduleFailure(e, read.values);
		}
		redirect(303, `/schedules/${id}?created=1`);
	}
} satisfies Actions;
