import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import { imports } from '$lib/server/customers';
import { rm } from 'node:fs/promises';
import { MultipartError, saveMultipart, UploadTooLargeError } from '$lib/server/customers/upload';
import { importKindSchema } from '$lib/schemas/customers';
import * as runtime from '$lib/server/runtime';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const list = await imports.list(runtime.db());
	return {
		imports: list.map((j) => ({
			id: j.id,
			kind: j.kind,
			filename: j.filename,
			status: j.status,
			createdAt: j.created_at,
			created: j.created_count,
			updated: j.updated_count,
			skipped: j.skipped_count,
			percent: imports.percent(j)
		}))
	};
};

export const actions = {
	// Without JavaScript the browser posts multipart, streamed to a temp file as it arrives (never
	// buffered whole); with JavaScript, the page sends the raw file to ./upload.
	upload: async (event) => {
		const user = requireRole(event, 'editor');
		let upload;
		try {
			upload = await saveMultipart(event.request);
		} catch (e) {
			if (e instanceof UploadTooLargeError) return fail(413, { message: e.message });
			if (e instanceof MultipartError) return fail(400, { message: e.message });
			throw e;
		}
		const kind = importKindSchema.safeParse(upload.fields.kind);
		if (!kind.success || !upload.file) {
			if (upload.file) await rm(upload.file.path, { force: true });
			return fail(400, {
				message: kind.success ? 'Choose a CSV file to upload.' : kind.error.issues[0].message
			});
		}
		const id = await imports.create(runtime.db(), {
			kind: kind.data,
			filename: upload.file.filename || 'upload.csv',
			filePath: upload.file.path,
			userId: user.id
		});
		redirect(303, `/customers/import/${id}`);
	}
} satisfies Actions;
