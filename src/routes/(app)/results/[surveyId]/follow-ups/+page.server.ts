import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { requireRole, requireUser } from '$lib/server/auth';
import { followUpUpdateSchema } from '$lib/schemas/results';
import { fieldErrors, formObject, readForm } from '$lib/server/forms';
import * as results from '$lib/server/results';
import { idParam, notFound } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

const PAGE = 25;
const querySchema = z.object({
	status: z.enum(['open', 'contacted', 'resolved']).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1)
});

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const surveyId = idParam(event.params.surveyId);
	const query = querySchema.parse(Object.fromEntries(event.url.searchParams));
	try {
		const view = await results.followups.queueView(runtime.db(), surveyId, {
			status: query.status,
			limit: PAGE,
			offset: (query.page - 1) * PAGE
		});
		return { ...view, query, pages: Math.max(1, Math.ceil(view.total / PAGE)) };
	} catch (e) {
		notFound(e);
	}
};

export const actions = {
	update: async (event) => {
		requireRole(event, 'editor');
		const surveyId = idParam(event.params.surveyId);
		const data = await readForm(event.request);
		if (!data) return fail(400, { id: 0, errors: { _: 'The form could not be read.' } });
		const values = formObject(data);
		const parsed = followUpUpdateSchema.safeParse(values);
		const id = Number(values.id) || 0;
		if (!parsed.success) return fail(400, { id, errors: fieldErrors(parsed.error) });
		try {
			await results.followups.update(runtime.db(), surveyId, parsed.data.id, {
				status: parsed.data.status,
				assigneeId: parsed.data.assignee,
				note: parsed.data.note
			});
		} catch (e) {
			if (e instanceof results.followups.FollowUpNotFoundError)
				return fail(404, { id, errors: { _: e.message } });
			if (e instanceof results.followups.UnknownAssigneeError)
				return fail(400, { id, errors: { assignee: e.message } });
			throw e;
		}
		return { saved: parsed.data.id };
	}
} satisfies Actions;
