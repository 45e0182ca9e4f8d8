import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { newUserSchema, roleSchema } from '$lib/schemas/auth';
import { requireRole, users } from '$lib/server/auth';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

const PAGE = 50;
const idSchema = z.coerce.number().int().positive();

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const page = Math.max(1, Number(event.url.searchParams.get('page')) || 1);
	const db = runtime.db();
	const [list, total] = await Promise.all([
		users.list(db, { limit: PAGE, offset: (page - 1) * PAGE }),
		users.count(db)
	]);
	return { users: list, page, pages: Math.max(1, Math.ceil(total / PAGE)), total };
};

async function form(request: Request) {
	const data = await readForm(request);
	return data ? formObject(data) : null;
}

export const actions = {
	create: async (event) => {
		requireRole(event, 'admin');
		const values = await form(event.request);
		if (!values)
			return fail(400, {
				create: {
					errors: formError('The form could not be read.'),
					values: { email: '', name: '', role: 'viewer' }
				}
			});
		const parsed = newUserSchema.safeParse(values);
		const echo = {
			email: values.email ?? '',
			name: values.name ?? '',
			role: values.role ?? 'viewer'
		};
		if (!parsed.success)
			return fail(400, { create: { errors: fieldErrors(parsed.error), values: echo } });
		try {
			const user = await users.create(runtime.db(), parsed.data);
			return { created: user.email };
		} catch (e) {
			if (e instanceof users.DuplicateEmailError) {
				const errors: Record<string, string> = { email: e.message };
				return fail(400, { create: { errors, values: echo } });
			}
			throw e;
		}
	},
	role: async (event) => {
		const me = requireRole(event, 'admin');
		const values = await form(event.request);
		const id = idSchema.safeParse(values?.id);
		const role = roleSchema.safeParse(values?.role);
		if (!id.success || !role.success) return fail(400, { message: 'Choose a user and a role.' });
		if (!(await users.get(runtime.db(), id.data)))
			return fail(404, { message: 'That user no longer exists.' });
		try {
			await users.setRole(runtime.db(), id.data, role.data);
		} catch (e) {
			if (e instanceof users.LastAdminError) return fail(400, { message: e.message });
			throw e;
		}
		return { updated: id.data === me.id ? 'your role' : 'the role' };
	},
	disable: async (event) => {
		requireRole(event, 'admin');
		const values = await form(event.request);
		const id = idSchema.safeParse(values?.id);
		if (!id.success) return fail(400, { message: 'Choose a user.' });
		const disabled = values?.disabled === 'true';
		if (!(await users.get(runtime.db(), id.data)))
			return fail(404, { message: 'That user no longer exists.' });
		try {
			await users.setDisabled(runtime.db(), id.data, disabled);
		} catch (e) {
			if (e instanceof users.LastAdminError) return fail(400, { message: e.message });
			throw e;
		}
		return { updated: disabled ? 'disabled the user' : 're-enabled the user' };
	}
} satisfies Actions;
