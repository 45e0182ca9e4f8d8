import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import { imports } from '$lib/server/customers';
import { EmptyUploadError, saveFile, UploadTooLargeError } from '$lib/server/customers/upload';
import { importKindSchema } from '$lib/schemas/customers';
import { readForm } from '$lib/server/forms';
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
	// Without JavaScript the browser posts multipart; with it, the page streams the file to ./upload.
	upload: async (event) => {
		const user = requireRole(event, 'editor');
		const form = await readForm(event.request);
		if (!form) return fail(400, { message: 'The upload could not be read; try again.' });
		const kind = importKindSchema.safeParse(form.get('kind'));
		if (!kind.success) return fail(400, { message: kind.error.issues[0].message });
		const file = form.get('file');
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { message: 'Choose a CSV file to upload.' });
		let saved;
		try {
			saved = await saveFile(file);
		} catch (e) {
			if (e instanceof UploadTooLargeError || e instanceof EmptyUploadError)
				return fail(400, { message: e.message });
			throw e;
		}
		const id = await imports.create(runtime.db(), {
			kind: kind.data,
			filename: file.name,
			filePath: saved.path,
			userId: user.id
		});
		redirect(303, `/customers/import/${id}`);
	}
} satisfies Actions;
