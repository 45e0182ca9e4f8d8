import { json, type RequestHandler } from '@sveltejs/kit';
import * as apikeys from '$lib/server/apikeys';
import * as events from '$lib/server/events';
import * as runtime from '$lib/server/runtime';

/** Reads at most `limit` bytes of the body (one more tells that it is too large). */
async function readLimited(request: Request, limit: number): Promise<string> {
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		chunks.push(value);
		if (size > limit) {
			await reader.cancel();
			break;
		}
	}
	return Buffer.concat(chunks).toString('utf8');
}

/**
 * POST /api/v1/events (API key): one event or {"events": [...]}. Stored once per event id; a
 * replay is accepted and reported as a duplicate. Bad input: 400 with a message per field.
 */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	const db = runtime.db();
	const auth = await apikeys.authenticateApiKey(db, request, { ip: getClientAddress() });
	if (!auth.ok) return json({ error: auth.message }, { status: auth.status });
	const tooLarge = {
		error: 'The body is larger than 1 MB; send smaller batches.',
		errors: { _: 'The body is larger than 1 MB.' }
	};
	if (Number(request.headers.get('content-length') ?? 0) > events.MAX_BODY_BYTES)
		return json(tooLarge, { status: 400 });
	let text: string;
	try {
		text = await readLimited(request, events.MAX_BODY_BYTES);
	} catch {
		return json({ error: 'The body could not be read.', errors: {} }, { status: 400 });
	}
	const now = new Date();
	const parsed = events.parseBody(text, now);
	if (!parsed.ok) return json({ error: parsed.message, errors: parsed.errors }, { status: 400 });
	const result = await events.ingest(db, parsed.events, { now, apiKeyId: auth.keyId });
	return json(
		{
			created: result.created,
			duplicates: result.duplicates,
			planned: result.planned,
			...(parsed.batch ? { results: result.results } : { status: result.results[0].status })
		},
		{ status: 202 }
	);
};
