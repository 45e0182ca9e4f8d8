import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole, requireUser } from '$lib/server/auth';
import { commentQuerySchema, tagActionSchema, untagSchema } from '$lib/schemas/results';
import { fieldErrors, formError, readForm } from '$lib/server/forms';
import * as results from '$lib/server/results';
import { idParam, notFound } from '$lib/server/results/routing';
import * as runtime from '$lib/server/runtime';

const PAGE = 25;

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const surveyId = idParam(event.params.surveyId);
	const query = commentQuerySchema.parse(Object.fromEntries(event.url.searchParams));
	const db = runtime.db();
	try {
		const view = await results.comments.commentsView(db, surveyId, {
			lineage: query.question,
			waveId: query.wave,
			tagId: query.tag,
			q: query.q || undefined,
			limit: PAGE,
			offset: (query.page - 1) * PAGE
		});
		return { ...view, query, pages: Math.max(1, Math.ceil(view.total / PAGE)) };
	} catch (e) {
		notFound(e);
	}
};

export const actions = {
	tag: async (event) => {
		const user = requireRole(event, 'editor');
		const surveyId = idParam(event.params.surveyId);
		const data = await readForm(event.request);
		if (!data) return fail(400, { errors: formError('The form could not be read.'), tag: '' });
		const parsed = tagActionSchema.safeParse({
			answers: data.getAll('answer').filter((v) => typeof v === 'string'),
			tag: data.get('tag') ?? ''
		});
		const tag = typeof data.get('tag') === 'string' ? String(data.get('tag')) : '';
		if (!parsed.success) return fail(400, { errors: fieldErrors(parsed.error), tag });
		const db = runtime.db();
		const count = await results.comments.tagMany(
			db,
			surveyId,
			parsed.data.tag,
			parsed.data.answers,
			user.id
		);
		return { tagged: { name: parsed.data.tag, count } };
	},
	untag: async (event) => {
		requireRole(event, 'editor');
		const surveyId = idParam(event.params.surveyId);
		const data = await readForm(event.request);
		const parsed = untagSchema.safeParse(data?.get('untag'));
		if (!parsed.success)
			return fail(400, { errors: formError('Choose a tag to remove.'), tag: '' });
		await results.comments.unapply(runtime.db(), surveyId, parsed.data.tag, parsed.data.answer);
		return { untagged: true };
	}
} satisfies Actions;
