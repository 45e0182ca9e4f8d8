import { json, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import * as apikeys from '$lib/server/apikeys';
import * as results from '$lib/server/results';
import * as runtime from '$lib/server/runtime';

const querySchema = z.object({
	after: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
	limit: z.coerce.number().int().min(1).max(1000).default(100)
});
const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

/**
 * GET /api/v1/surveys/:id/responses?after=<response id>&limit=100 (API key): complete responses
 * with answers by question lineage, keyset-paginated; follow `next` until it is null.
 */
export const GET: RequestHandler = async ({ request, params, url, getClientAddress }) => {
	const db = runtime.db();
	const auth = await apikeys.authenticateApiKey(db, request, { ip: getClientAddress() });
	if (!auth.ok) return json({ error: auth.message }, { status: auth.status });
	const id = idSchema.safeParse(params.id);
	if (!id.success) return json({ error: 'Unknown survey.' }, { status: 404 });
	const query = querySchema.safeParse(Object.fromEntries(url.searchParams));
	if (!query.success)
		return json(
			{ error: 'Use after=<response id> (≥ 0) and limit=1…1000.', issues: query.error.issues },
			{ status: 400 }
		);
	try {
		const body = await results.exporter.apiPage(db, id.data, query.data);
		return json(body);
	} catch (e) {
		if (e instanceof results.SurveyNotFoundError)
			return json({ error: 'Unknown survey.' }, { status: 404 });
		throw e;
	}
};
