import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import * as scheduling from '$lib/server/scheduling';
import * as runtime from '$lib/server/runtime';
import { systemClock } from '$lib/server/clock';
import { formData, readScheduleForm, scheduleFailure } from '../../form.server';

function idOf(param: string): number {
	const id = Number(param);
	if (!Number.isInteger(id) || id <= 0) error(404, { message: 'That schedule does not exist.' });
	return id;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const s = await scheduling.get(runtime.db(), idOf(event.params.id));
	if (!s) error(404, { message: 'That schedule does not exist.' });
	return { ...(await formData()), id: s.id, name: s.name, values: scheduling.toFormValues(s) };
};

export const actions = {
	update: async (event) => {
		requireRole(event, 'editor');
		const id = idOf(event.params.id);
		const read = await readScheduleForm(event.request);
		if (!('input' in read)) return read;
		try {
			await scheduling.update(runtime.db(), id, read.input, systemClock.now());
		} catch (e) {
			return scheduleFailure(e, read.values);
		}
		redirect(303, `/schedules/${id}?saved=1`);
	}
} satisfies Actions;
