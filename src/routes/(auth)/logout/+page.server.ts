import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { sessions } from '$lib/server/auth';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions = {
	default: async (event) => {
		if (event.locals.sessionToken) await sessions.remove(runtime.db(), event.locals.sessionToken);
		clearSessionCookie(event);
		redirect(303, '/login');
	}
} satisfies Actions;
