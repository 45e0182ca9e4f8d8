import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { newSurveySchema } from '$lib/schemas/authoring';
import { requireRole } from '$lib/server/auth';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import * as surveys from '$lib/server/surveys';
import * as runtime from '$lib/server/runtime';

const MAX_IMPORT = 2_000_000;

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	return { templates: await surveys.listTemplates(runtime.db()) };
};

export const actions = {
	blank: async (event) => {
		const user = requireRole(event, 'editor');
		const data = await readForm(event.request);
		const values = data ? formObject(data) : {};
		const parsed = newSurveySchema.safeParse(values);
		if (!parsed.success) return fail(400, { blank: { values, errors: fieldErrors(parsed.error) } });
		const id = await surveys.createBlank(runtime.db(), { userId: user.id, ...parsed.data });
		redirect(303, `/surveys/${id}`);
	},
	template: async (event) => {
		const user = requireRole(event, 'editor');
		const data = await readForm(event.request);
		const ref = String(data?.get('template') ?? '');
		let id: number;
		try {
			id = await surveys.createFromTemplate(runtime.db(), { userId: user.id, template: ref });
		} catch (e) {
			if (e instanceof surveys.SurveyNotFoundError)
				return fail(404, { template: { errors: formError('That template no longer exists.') } });
			throw e;
		}
		redirect(303, `/surveys/${id}`);
	},
	removeTemplate: async (event) => {
		requireRole(event, 'editor');
		const data = await readForm(event.request);
		const ref = /^saved:(\d+)$/.exec(String(data?.get('template') ?? ''));
		if (!ref)
			return fail(400, { template: { errors: formError('Only saved templates can be removed.') } });
		await surveys.removeTemplate(runtime.db(), Number(ref[1]));
		return { removed: true };
	},
	import: async (event) => {
		const user = requireRole(event, 'editor');
		const data = await readForm(event.request);
		if (!data) return fail(400, { import: { errors: ['The upload could not be read.'] } });
		let text = String(data.get('json') ?? '');
		const file = data.get('file');
		if (file instanceof File && file.size > 0) {
			if (file.size > MAX_IMPORT)
				return fail(400, { import: { errors: ['The file is larger than 2 MB.'] } });
			text = await file.text();
		}
		if (!text.trim())
			return fail(400, { import: { errors: ['Choose a JSON file or paste the JSON.'] } });
		if (text.length > MAX_IMPORT)
			return fail(400, { import: { errors: ['The JSON is larger than 2 MB.'] } });
		let id: number;
		try {
			id = await surveys.importJson(runtime.db(), text, user.id);
		} catch (e) {
			if (e instanceof surveys.ImportError)
				return fail(400, { import: { errors: e.errors.slice(0, 50) } });
			throw e;
		}
		redirect(303, `/surveys/${id}?imported=1`);
	}
} satisfies Actions;
