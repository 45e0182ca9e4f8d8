import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import * as triggers from '$lib/server/triggers';
import * as runtime from '$lib/server/runtime';
import { formOptions, readTriggerForm, toFormValues, triggerFailure } from '../../form.server';

function idOf(raw: string): number {
	const id = Number(raw);
	if (!Number.isInteger(id) || id <= 0) error(404, { message: 'That trigger does not exist.' });
	return id;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const t = await triggers.get(runtime.db(), idOf(event.params.id));
	if (!t) error(404, { message: 'That trigger does not exist.' });
	return { ...(await formOptions()), trigger: t, defaults: toFormValues(t) };
};

export const actions = {
	save: async (event) => {
		requireRole(event, 'editor');
		const id = idOf(event.params.id);
		const read = await readTriggerForm(event.request);
		if (!('input' in read)) return read;
		try {
			await triggers.update(runtime.db(), id, read.input);
		} catch (e) {
			return triggerFailure(e, read.values);
		}
		redirect(303, `/triggers/${id}?saved=1`);
	}
} satisfies Actions;
