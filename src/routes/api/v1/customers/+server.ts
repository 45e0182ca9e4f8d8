import { json, type RequestHandler } from '@sveltejs/kit';
import * as apikeys from '$lib/server/apikeys';
import { BatchError, upsertBatch } from '$lib/server/customers/batch';
import * as runtime from '$lib/server/runtime';

const MAX_BODY = 5 * 1024 * 1024;

/** POST /api/v1/customers: batch upsert by external id (API key). Bad rows are reported by index. */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	const db = runtime.db();
	const auth = await apikeys.authenticateApiKey(db, request, { ip: getClientAddress() });
	if (!auth.ok) return json({ error: auth.message }, { status: auth.status });
	if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY)
		return json({ error: 'The body is larger than 5 MB; send smaller batches.' }, { status: 413 });
	let body: unknown;
	try {
		const text = await request.text();
		if (text.length > MAX_BODY)
			return json(
				{ error: 'The body is larger than 5 MB; send smaller batches.' },
				{ status: 413 }
			);
		body = JSON.parse(text);
	} catch {
		return json({ error: 'The body is not valid JSON.' }, { status: 400 });
	}
	try {
		const result = await upsertBatch(db, body);
		return json(result, {
			status: result.errors.length && !result.created && !result.updated ? 422 : 200
		});
	} catch (e) {
		if (e instanceof BatchError) return json({ error: e.message }, { status: 400 });
		throw e;
	}
};
