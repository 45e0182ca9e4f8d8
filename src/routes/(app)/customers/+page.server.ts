import type { PageServerLoad } from './$types';
import { requireUser, can } from '$lib/server/auth';
import * as customers from '$lib/server/customers';
import { customerListQuerySchema } from '$lib/schemas/customers';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const query = customerListQuerySchema.parse(Object.fromEntries(event.url.searchParams));
	const db = runtime.db();
	const [page, total, keys] = await Promise.all([
		customers.list(db, query),
		customers.estimateCount(db),
		customers.attributeKeys(db)
	]);
	return { ...page, total, keys, query, canEdit: can(user, 'editor') };
};
