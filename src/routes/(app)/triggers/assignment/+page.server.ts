import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { assignmentSchema } from '$lib/schemas/triggers';
import { requireRole } from '$lib/server/auth';
import * as assignment from '$lib/server/assignment';
import { fieldErrors, formError, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const db = runtime.db();
	const [rule, users] = await Promise.all([assignment.getRule(db), assignment.candidates(db)]);
	return { rule, users };
};

export const actions = {
	save: async (event) => {
		requireRole(event, 'editor');
		const data = await readForm(event.request);
		if (!data) return fail(400, { errors: formError('The form could not be read.') });
		const ownerRaw = data.get('owner_id');
		const parsed = assignmentSchema.safeParse({
			mode: data.get('mode'),
			owner_id: typeof ownerRaw === 'string' && ownerRaw !== '' ? ownerRaw : undefined,
			user_ids: data.getAll('user_ids').filter((v) => typeof v === 'string'),
			notify: data.get('notify') === 'on'
		});
		if (!parsed.success) return fail(400, { errors: fieldErrors(parsed.error) });
		const db = runtime.db();
		const known = new Set((await assignment.candidates(db)).map((u) => u.id));
		const ids = [parsed.data.owner_id, ...parsed.data.user_ids].filter((x) => x !== undefined);
		if (ids.some((id) => !known.has(id)))
			return fail(400, { errors: formError('A chosen user no longer exists or is disabled.') });
		await assignment.setRule(db, parsed.data);
		return { saved: true };
	}
} satisfies Actions;
