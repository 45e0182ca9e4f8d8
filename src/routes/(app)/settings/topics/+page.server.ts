import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { topicFormSchema, topicKeySchema } from '$lib/schemas/authoring';
import { can, requireRole, requireUser } from '$lib/server/auth';
import { fieldErrors, formObject, readForm } from '$lib/server/forms';
import * as topics from '$lib/server/topics';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = runtime.db();
	const [list, usage] = await Promise.all([topics.list(db, { archived: true }), topics.usage(db)]);
	return {
		topics: list.map((t) => ({ ...t, questions: usage.get(t.id) ?? 0 })),
		canEdit: can(user, 'editor')
	};
};

export const actions = {
	add: async (event) => {
		requireRole(event, 'editor');
		const data = await readForm(event.request);
		const values = data ? formObject(data) : {};
		const parsed = topicFormSchema.safeParse(values);
		const key = values.key?.trim() ? topicKeySchema.safeParse(values.key) : null;
		const errors: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error);
		if (key && !key.success) errors.key = key.error.issues[0].message;
		if (!parsed.success || Object.keys(errors).length) return fail(400, { values, errors });
		try {
			const t = await topics.add(runtime.db(), { ...parsed.data, key: key?.data });
			return { added: t.name };
		} catch (e) {
			if (e instanceof topics.DuplicateTopicError)
				return fail(400, { values, errors: { key: e.message } });
			throw e;
		}
	},
	archive: async (event) => {
		requireRole(event, 'editor');
		const data = await readForm(event.request);
		const id = Number(data?.get('id'));
		if (!Number.isInteger(id) || id <= 0) return fail(400, { message: 'Choose a topic.' });
		try {
			await topics.setArchived(runtime.db(), id, data?.get('archived') === 'true');
		} catch (e) {
			if (e instanceof topics.TopicNotFoundError) return fail(404, { message: e.message });
			throw e;
		}
		redirect(303, '/settings/topics');
	}
} satisfies Actions;
