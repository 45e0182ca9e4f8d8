import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import * as triggers from '$lib/server/triggers';
import * as runtime from '$lib/server/runtime';
import { formOptions, newTriggerValues, readTriggerForm, triggerFailure } from '../form.server';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const options = await formOptions();
	const survey = event.url.searchParams.get('survey');
	return {
		...options,
		defaults: {
			...newTriggerValues,
			survey_id:
				survey ?? String((options.surveys.find((s) => s.oneClick) ?? options.surveys[0])?.id ?? '')
		}
	};
};

export const actions = {
	save: async (event) => {
		const user = requireRole(event, 'editor');
		const read = await readTriggerForm(event.request);
		if (!('input' in read)) return read;
		let id: number;
		try {
			id = await triggers.create(runtime.db(), read.input, { createdBy: user.id });
		} catch (e) {
			return triggerFailure(e, read.values);
		}
		redirect(303, `/triggers/${id}?created=1`);
	}
} satisfies Actions;
