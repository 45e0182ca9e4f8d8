import { json, type RequestHandler } from '@sveltejs/kit';
import { requireRole } from '$lib/server/auth';
import { imports } from '$lib/server/customers';
import { EmptyUploadError, saveStream, UploadTooLargeError } from '$lib/server/customers/upload';
import { importKindSchema } from '$lib/schemas/customers';
import * as runtime from '$lib/server/runtime';

/**
 * The import page's upload with JavaScript: the raw file as the body (not multipart), streamed to
 * a temp file. Same-origin only: SvelteKit's CSRF check covers form posts, so we check here.
 */
export const POST: RequestHandler = async (event) => {
	const user = requireRole(event, 'editor');
	const { request, url } = event;
	if (request.headers.get('origin') !== url.origin)
		return json({ error: 'Cross-site uploads are not allowed.' }, { status: 403 });
	const type = request.headers.get('content-type') ?? '';
	if (/form|text\/plain/i.test(type))
		return json({ error: 'Send the file itself as the body.' }, { status: 415 });
	const kind = importKindSchema.safeParse(url.searchParams.get('kind'));
	if (!kind.success) return json({ error: kind.error.issues[0].message }, { status: 400 });
	const filename = (url.searchParams.get('filename') ?? 'upload.csv').slice(0, 200);
	try {
		const saved = await saveStream(request.body);
		const id = await imports.create(runtime.db(), {
			kind: kind.data,
			filename,
			filePath: saved.path,
			userId: user.id
		});
		return json({ id, url: `/customers/import/${id}` });
	} catch (e) {
		if (e instanceof UploadTooLargeError) return json({ error: e.message }, { status: 413 });
		if (e instanceof EmptyUploadError) return json({ error: e.message }, { status: 400 });
		throw e;
	}
};
