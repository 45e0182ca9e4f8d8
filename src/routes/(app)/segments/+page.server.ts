import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { can, requireRole, requireUser } from '$lib/server/auth';
import * as customers from '$lib/server/customers';
import * as segments from '$lib/server/segments';
import { contactCapSchema } from '$lib/schemas/segments';
import { fieldErrors, formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = runtime.db();
	const [list, capDays] = await Promise.all([segments.list(db), segments.globalCapDays(db)]);
	const now = new Date();
	// live counts on the list only while they are cheap; each segment page always counts
	const small = (await customers.estimateCount(db)) <= 50_000;
	const counts = await Promise.all(
		list.slice(0, small ? 50 : 0).map(async (s) => {
			const row = await segments.get(db, s.id);
			return row ? (await segments.count(db, row, { now })).afterCap : null;
		})
	);
	return {
		segments: list.map((s, i) => ({ ...s, members: counts[i] ?? null })),
		capDays,
		canEdit: can(user, 'editor')
	};
};

export const actions = {
	cap: async (event) => {
		const user = requireRole(event, 'editor');
		const form = await readForm(event.request);
		const parsed = contactCapSchema.safeParse(form ? formObject(form) : {});
		if (!parsed.success) return fail(400, { capErrors: fieldErrors(parsed.error) });
		await segments.setGlobalCapDays(runtime.db(), parsed.data.days, user.id);
		return { capSaved: parsed.data.days };
	}
} satisfies Actions;
