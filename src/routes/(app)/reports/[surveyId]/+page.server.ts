import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { can, requireRole, requireUser } from '$lib/server/auth';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';
import * as reports from '$lib/server/reports';
import * as results from '$lib/server/results';
import * as sharing from '$lib/server/sharing';
import { filtersQuery, parseFilters } from '$lib/schemas/results';
import {
	revokeSchema,
	shareLinkSchema,
	subscribeOtherSchema,
	subscriptionSchema,
	unsubscribeOtherSchema
} from '$lib/schemas/reports';

/** Field errors typed as one record, so the page reads any key. */
const errs = (e: Record<string, string>) => e;

async function survey(event: Pick<RequestEvent, 'params'>) {
	const id = Number(event.params.surveyId);
	if (!Number.isSafeInteger(id) || id <= 0) error(404, 'We could not find that survey.');
	try {
		return await results.surveyInfo(runtime.db(), id);
	} catch (e) {
		if (e instanceof results.SurveyNotFoundError) error(404, 'We could not find that survey.');
		throw e;
	}
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const s = await survey(event);
	const db = runtime.db();
	const { filters, problems } = parseFilters(event.url.searchParams);
	delete filters.compare;
	const editor = can(user, 'editor');
	const admin = can(user, 'admin');
	const [topics, questions, mine, links, subscribers, people, history] = await Promise.all([
		results.surveyTopics(db, s.id),
		results.surveyQuestions(db, s.id),
		reports.subscriptions.listForUser(db, user.id),
		editor ? sharing.list(db, s.id) : Promise.resolve([]),
		admin ? reports.subscriptions.listForSurvey(db, s.id) : Promise.resolve([]),
		admin ? reports.subscriptions.activeUsers(db) : Promise.resolve([]),
		reports.digests.history(db, s.id)
	]);
	const now = new Date();
	return {
		survey: s,
		query: filtersQuery(filters),
		filterProblems: problems,
		pdfAvailable: reports.pdf.available(),
		canShare: editor,
		isAdmin: admin,
		topics: topics.map((t) => ({ id: t.id, name: t.name })),
		questions: questions
			.filter((q) => q.topicId !== null)
			.map((q) => ({ lineage: q.lineage, prompt: q.prompt })),
		mine: mine.find((m) => m.surveyId === s.id) ?? null,
		links: links.map((l) => ({ ...l, status: sharing.status(l, now) })),
		subscribers,
		people,
		history
	};
};

export const actions = {
	subscribe: async (event) => {
		const user = requireUser(event);
		const s = await survey(event);
		const data = await readForm(event.request);
		if (!data) return fail(400, { errors: formError('The form could not be read. Try again.') });
		const parsed = subscriptionSchema.safeParse({ ...formObject(data), surveyId: s.id });
		if (!parsed.success) return fail(400, { errors: fieldErrors(parsed.error) });
		await reports.subscriptions.set(runtime.db(), {
			userId: user.id,
			surveyId: s.id,
			onClose: parsed.data.onClose,
			weekly: parsed.data.weekly,
			by: user.id
		});
		return {
			subscribed:
				parsed.data.onClose || parsed.data.weekly
					? 'Your digest settings are saved.'
					: 'You no longer receive digests of this survey.'
		};
	},
	subscribeOther: async (event) => {
		const admin = requireRole(event, 'admin');
		const s = await survey(event);
		const data = await readForm(event.request);
		if (!data) return fail(400, { errors: formError('The form could not be read. Try again.') });
		const values = formObject(data);
		const parsed = subscribeOtherSchema.safeParse({ ...values, surveyId: s.id });
		if (!parsed.success) return fail(400, { other: values, errors: fieldErrors(parsed.error) });
		if (!parsed.data.onClose && !parsed.data.weekly)
			return fail(400, {
				other: values,
				errors: errs({
					onClose: 'Choose when they receive digests: when a wave closes, weekly, or both.'
				})
			});
		try {
			await reports.subscriptions.set(runtime.db(), { ...parsed.data, by: admin.id });
		} catch (e) {
			if (e instanceof reports.subscriptions.SubscriptionError)
				return fail(400, { other: values, errors: errs({ userId: e.message }) });
			throw e;
		}
		return { subscribed: 'The subscription is saved.' };
	},
	unsubscribeOther: async (event) => {
		requireRole(event, 'admin');
		const s = await survey(event);
		const data = await readForm(event.request);
		const parsed = unsubscribeOtherSchema.safeParse(data ? formObject(data) : {});
		if (!parsed.success) return fail(400, { errors: formError('Choose a subscriber to remove.') });
		await reports.subscriptions.unsubscribe(runtime.db(), parsed.data.userId, s.id);
		return { subscribed: 'The subscription is removed.' };
	},
	share: async (event) => {
		const user = requireRole(event, 'editor');
		const s = await survey(event);
		const data = await readForm(event.request);
		if (!data) return fail(400, { errors: formError('The form could not be read. Try again.') });
		const values = formObject(data);
		const parsed = shareLinkSchema.safeParse({
			...values,
			hiddenTopics: data.getAll('hiddenTopics').filter((v) => typeof v === 'string'),
			hiddenQuestions: data.getAll('hiddenQuestions').filter((v) => typeof v === 'string')
		});
		if (!parsed.success) return fail(400, { share: values, errors: fieldErrors(parsed.error) });
		const now = new Date();
		const { link, token } = await sharing.create(runtime.db(), {
			surveyId: s.id,
			label: parsed.data.label,
			hideFreeText: parsed.data.hideFreeText,
			hiddenTopics: parsed.data.hiddenTopics,
			hiddenQuestions: parsed.data.hiddenQuestions,
			expiresAt: parsed.data.expiresInDays
				? new Date(now.getTime() + parsed.data.expiresInDays * 86_400_000)
				: null,
			createdBy: user.id
		});
		return { created: { id: link.id, url: `${event.url.origin}/share/${token}` } };
	},
	revoke: async (event) => {
		const user = requireRole(event, 'editor');
		const s = await survey(event);
		const data = await readForm(event.request);
		const parsed = revokeSchema.safeParse(data ? formObject(data) : {});
		if (!parsed.success) return fail(400, { errors: formError('Choose a link to revoke.') });
		const done = await sharing.revoke(runtime.db(), {
			surveyId: s.id,
			linkId: parsed.data.linkId,
			userId: user.id,
			now: new Date()
		});
		if (!done) return fail(404, { errors: formError('That link no longer exists.') });
		return { revoked: 'The link is revoked: it now answers “gone”.' };
	}
} satisfies Actions;
