import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import * as apikeys from '$lib/server/apikeys';
import { apiKeySchema } from '$lib/schemas/customers';
import { fieldErrors, formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	return { keys: await apikeys.list(runtime.db()), origin: event.url.origin };
};

export const actions = {
	create: async (event) => {
		const user = requireRole(event, 'admin');
		const form = await readForm(event.request);
		const values = form ? formObject(form) : {};
		const parsed = apiKeySchema.safeParse(values);
		if (!parsed.success)
			return fail(400, { errors: fieldErrors(parsed.error), values: { name: values.name ?? '' } });
		const created = await apikeys.create(runtime.db(), { name: parsed.data.name, userId: user.id });
		// shown once, never stored in clear
		return { created: { name: parsed.data.name, key: created.key } };
	},
	revoke: async (event) => {
		const user = requireRole(event, 'admin');
		const form = await readForm(event.request);
		const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(form?.get('id'));
		if (!id.success) return fail(400, { message: 'Choose a key to revoke.' });
		try {
			await apikeys.revoke(runtime.db(), id.data, user.id);
		} catch (e) {
			if (e instanceof apikeys.ApiKeyNotFoundError) return fail(400, { message: e.message });
			throw e;
		}
		return { revoked: true };
	}
} satisfies Actions;
