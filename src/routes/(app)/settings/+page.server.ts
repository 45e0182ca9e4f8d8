import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole, requireUser } from '$lib/server/auth';
import * as demo from '$lib/server/demo';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	return { demoLoaded: await demo.isLoaded(runtime.db()), dbKind: runtime.dbKind() };
};

export const actions = {
	removeDemo: async (event) => {
		requireRole(event, 'admin');
		const db = runtime.db();
		if (!(await demo.isLoaded(db)))
			return fail(400, { message: 'The demo data has already been removed.' });
		await demo.remove(db);
		return { removed: true };
	}
} satisfies Actions;
