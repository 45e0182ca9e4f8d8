import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';
import * as overview from '$lib/server/overview';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	return { overview: await overview.get(runtime.db()) };
};
