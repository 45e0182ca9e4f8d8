import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { topicFormSchema } from '$lib/schemas/authoring';
import { can, requireRole, requireUser } from '$lib/server/auth';
import { fieldErrors, formObject, readForm } from '$lib/server/forms';
import * as topics from '$lib/server/topics';
import * as runtime from '$lib/server/runtime';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

async function load1(idText: string) {
	const id = idParam.safeParse(idText);
	if (!id.success) error(404, { message: 'That topic does not exist.' });
	try {
		return await topics.get(runtime.db(), id.data);
	} catch (e) {
		if (e instanceof topics.TopicNotFoundError) error(404, { message: e.message });
		throw e;
	}
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { topic: await load1(event.params.id), canEdit: can(user, 'editor') };
};

export const actions = {
	save: async (event) => {
		requireRole(event, 'editor');
		const topic = await load1(event.params.id);
		const data = await readForm(event.request);
		const values = data ? formObject(data) : {};
		const parsed = topicFormSchema.safeParse(values);
		if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error) });
		await topics.update(runtime.db(), topic.id, parsed.data);
		return { saved: true };
	},
	archive: async (event) => {
		requireRole(event, 'editor');
		const topic = await load1(event.params.id);
		const data = await readForm(event.request);
		await topics.setArchived(runtime.db(), topic.id, data?.get('archived') === 'true');
		return { saved: true };
	}
} satisfies Actions;
