import { error } from '@sveltejs/kit';
import { z } from 'zod';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import * as surveys from '$lib/server/surveys';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(event.params.id);
	if (!id.success) error(404, { message: 'That survey does not exist.' });
	const db = runtime.db();
	try {
		const survey = await surveys.get(db, id.data);
		const [versions, pending] = await Promise.all([
			surveys.versions(db, id.data),
			surveys.pendingChanges(db, id.data)
		]);
		return { survey: { id: survey.id, title: survey.title }, versions, pending };
	} catch (e) {
		if (e instanceof surveys.SurveyNotFoundError) error(404, { message: e.message });
		throw e;
	}
};
