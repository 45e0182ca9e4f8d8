import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';
import * as reports from '$lib/server/reports';
import { subscriptionSchema } from '$lib/schemas/reports';

/** Field errors typed as one record, so the page reads any key. */
const errs = (e: Record<string, string>) => e;

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = runtime.db();
	const [subscriptions, surveys] = await Promise.all([
		reports.subscriptions.listForUser(db, user.id),
		reports.subscriptions.subscribableSurveys(db)
	]);
	return {
		me: { name: user.name, email: user.email, role: user.role },
		subscriptions,
		surveys: surveys.filter((s) => !subscriptions.some((x) => x.surveyId === s.id))
	};
};

export const actions = {
	digest: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event.request);
		if (!data) return fail(400, { errors: formError('The form could not be read. Try again.') });
		const parsed = subscriptionSchema.safeParse(formObject(data));
		if (!parsed.success)
			return fail(400, {
				errors: errs({ surveyId: 'Choose a survey.', ...fieldErrors(parsed.error) })
			});
		try {
			await reports.subscriptions.set(runtime.db(), {
				userId: user.id,
				...parsed.data,
				by: user.id
			});
		} catch (e) {
			if (e instanceof reports.subscriptions.SubscriptionError)
				return fail(400, { errors: errs({ surveyId: e.message }) });
			throw e;
		}
		return {
			saved:
				parsed.data.onClose || parsed.data.weekly
					? 'Your digest settings are saved.'
					: 'You no longer receive digests of that survey.'
		};
	}
} satisfies Actions;
