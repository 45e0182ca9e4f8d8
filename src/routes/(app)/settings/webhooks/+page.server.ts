import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { webhookFormSchema } from '$lib/schemas/triggers';
import { requireRole } from '$lib/server/auth';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import * as webhooks from '$lib/server/webhooks';
import * as runtime from '$lib/server/runtime';

const PAGE = 25;
const idSchema = z.coerce.number().int().positive();

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const db = runtime.db();
	const page = Math.max(1, Math.floor(Number(event.url.searchParams.get('page'))) || 1);
	const [hooks, log] = await Promise.all([
		webhooks.list(db),
		webhooks.deliveries(db, { limit: PAGE, offset: (page - 1) * PAGE })
	]);
	return {
		hooks,
		deliveries: log.items,
		deliveryTotal: log.total,
		page,
		pages: Math.max(1, Math.ceil(log.total / PAGE)),
		strict: webhooks.strictUrls()
	};
};

async function idFrom(request: Request): Promise<number | null> {
	const data = await readForm(request);
	const id = idSchema.safeParse(data?.get('id'));
	return id.success ? id.data : null;
}

function notFound(e: unknown) {
	if (e instanceof webhooks.WebhookNotFoundError) return fail(404, { message: e.message });
	throw e;
}

export const actions = {
	create: async (event) => {
		const user = requireRole(event, 'admin');
		const data = await readForm(event.request);
		if (!data)
			return fail(400, {
				create: { values: {}, errors: formError('The form could not be read.') }
			});
		const values = formObject(data);
		const parsed = webhookFormSchema.safeParse({
			url: values.url ?? '',
			description: values.description ?? '',
			events: data.getAll('events')
		});
		if (!parsed.success)
			return fail(400, { create: { values, errors: fieldErrors(parsed.error) } });
		try {
			await webhooks.create(runtime.db(), parsed.data, { createdBy: user.id });
		} catch (e) {
			if (e instanceof webhooks.UnsafeUrlError)
				return fail(400, { create: { values, errors: { url: e.message } } });
			throw e;
		}
		return { done: 'Webhook added. Copy its signing secret into the receiver.' };
	},
	toggle: async (event) => {
		requireRole(event, 'admin');
		const data = await readForm(event.request);
		const id = idSchema.safeParse(data?.get('id'));
		if (!id.success) return fail(400, { message: 'Choose a webhook.' });
		const active = data?.get('active') === 'true';
		try {
			await webhooks.setActive(runtime.db(), id.data, active);
		} catch (e) {
			return notFound(e);
		}
		return { done: active ? 'Webhook turned on.' : 'Webhook turned off: nothing new is queued.' };
	},
	remove: async (event) => {
		requireRole(event, 'admin');
		const id = await idFrom(event.request);
		if (!id) return fail(400, { message: 'Choose a webhook.' });
		try {
			await webhooks.remove(runtime.db(), id);
		} catch (e) {
			return notFound(e);
		}
		return { done: 'Webhook deleted with its delivery log.' };
	},
	test: async (event) => {
		requireRole(event, 'admin');
		const id = await idFrom(event.request);
		if (!id) return fail(400, { message: 'Choose a webhook.' });
		try {
			await webhooks.sendTest(runtime.db(), id, new Date());
		} catch (e) {
			return notFound(e);
		}
		return { done: 'A test delivery is queued; it appears in the log within seconds.' };
	},
	retry: async (event) => {
		requireRole(event, 'admin');
		const id = await idFrom(event.request);
		if (!id) return fail(400, { message: 'Choose a delivery.' });
		try {
			await webhooks.retry(runtime.db(), id, new Date());
		} catch {
			return fail(400, { message: 'Only a failed delivery can be retried.' });
		}
		return { done: 'The delivery is queued again.' };
	}
} satisfies Actions;
