import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { can, requireRole, requireUser } from '$lib/server/auth';
import * as customers from '$lib/server/customers';
import { formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

function customerId(params: { id: string }): number {
	const id = idSchema.safeParse(params.id);
	if (!id.success) error(404, 'We could not find that customer.');
	return id.data;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const id = customerId(event.params);
	const db = runtime.db();
	const customer = await customers.get(db, id);
	if (!customer) error(404, 'We could not find that customer.');
	const history = await customers.history(db, id);
	return {
		customer,
		...history,
		canEdit: can(user, 'editor'),
		canErase: can(user, 'admin')
	};
};

async function existing(id: number) {
	const c = await customers.get(runtime.db(), id);
	if (!c) return null;
	return c;
}

export const actions = {
	unsubscribe: async (event) => {
		const user = requireRole(event, 'editor');
		const id = customerId(event.params);
		if (!(await existing(id))) return fail(404, { message: 'That customer no longer exists.' });
		await customers.unsubscribe(runtime.db(), id, { userId: user.id });
		return { done: 'Unsubscribed: this customer will not be invited again.' };
	},
	resubscribe: async (event) => {
		const user = requireRole(event, 'editor');
		const id = customerId(event.params);
		const c = await existing(id);
		if (!c || c.erasedAt)
			return fail(400, { message: 'An erased customer cannot be re-subscribed.' });
		await customers.resubscribe(runtime.db(), id, user.id);
		return { done: 'Re-subscribed: this customer can be invited again.' };
	},
	erase: async (event) => {
		const user = requireRole(event, 'admin');
		const id = customerId(event.params);
		const form = await readForm(event.request);
		const values = form ? formObject(form) : {};
		if (values.confirm !== 'erase')
			return fail(400, { message: 'Tick the box to confirm that this cannot be undone.' });
		if (!(await existing(id))) return fail(404, { message: 'That customer no longer exists.' });
		await customers.erase(runtime.db(), id, user.id);
		return {
			done: 'Erased: personal data and free-text answers are gone; the audit log records it.'
		};
	}
} satisfies Actions;
