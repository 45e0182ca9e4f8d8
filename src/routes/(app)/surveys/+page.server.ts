import { z } from 'zod';
import type { PageServerLoad } from './$types';
import { can, requireUser } from '$lib/server/auth';
import * as surveys from '$lib/server/surveys';
import * as runtime from '$lib/server/runtime';

const PAGE = 25;
const querySchema = z.object({
	q: z.string().max(200).catch(''),
	status: z.enum(['draft', 'active', 'archived']).optional().catch(undefined),
	kind: z.enum(['periodic', 'transactional']).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(100_000).catch(1)
});

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const query = querySchema.parse(Object.fromEntries(event.url.searchParams));
	const { items, total } = await surveys.list(runtime.db(), {
		search: query.q,
		status: query.status,
		kind: query.kind,
		limit: PAGE,
		offset: (query.page - 1) * PAGE
	});
	return {
		items,
		total,
		query,
		pages: Math.max(1, Math.ceil(total / PAGE)),
		canEdit: can(user, 'editor')
	};
};
