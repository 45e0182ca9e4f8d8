import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import { imports } from '$lib/server/customers';
import { fieldLabels, delimiterSchema } from '$lib/schemas/customers';
import { formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

function importId(params: { id: string }): number {
	const id = idSchema.safeParse(params.id);
	if (!id.success) error(404, 'We could not find that import.');
	return id.data;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const id = importId(event.params);
	const db = runtime.db();
	const job = await imports.get(db, id);
	if (!job) error(404, 'We could not find that import.');
	const errors =
		job.status === 'done' || job.status === 'failed'
			? (await imports.errorRows(db, id)).slice(0, 50)
			: [];
	const fields =
		job.kind === 'customers'
			? ['external_id', 'email', 'name', 'locale', 'time_zone']
			: ['customer_external_id', 'reference', 'status', 'amount', 'currency', 'at'];
	return {
		job: {
			id: job.id,
			kind: job.kind,
			filename: job.filename,
			status: job.status,
			headers: job.headers,
			preview: job.preview,
			mapping: job.mapping,
			delimiter: job.delimiter,
			rows: job.rows_total,
			created: job.created_count,
			updated: job.updated_count,
			skipped: job.skipped_count,
			message: job.message,
			percent: imports.percent(job),
			startedAt: job.started_at,
			finishedAt: job.finished_at
		},
		errors,
		fields: fields.map((f) => ({ value: f, label: fieldLabels[f] })),
		attributeKeys: job.headers.map((h) => imports.attributeKeyFor(h))
	};
};

export const actions = {
	confirm: async (event) => {
		const user = requireRole(event, 'editor');
		const id = importId(event.params);
		const form = await readForm(event.request);
		if (!form) return fail(400, { message: 'The form could not be read.' });
		const values = formObject(form);
		const mapping: Record<string, string> = {};
		for (const [k, v] of Object.entries(values)) {
			const m = /^col_(\d{1,4})$/.exec(k);
			if (m) mapping[m[1]] = v;
		}
		const db = runtime.db();
		try {
			await imports.confirm(db, id, mapping);
		} catch (e) {
			if (e instanceof imports.MappingError) return fail(400, { message: e.message, mapping });
			if (e instanceof imports.ImportNotFoundError)
				return fail(400, { message: 'This import has already started or no longer exists.' });
			throw e;
		}
		// start at once in this process (the file is here); the worker picks it up after a crash
		void imports.runNext(db, id).catch((e) => console.error(`[import ${id}] by ${user.id}:`, e));
		return { started: true };
	},
	delimiter: async (event) => {
		requireRole(event, 'editor');
		const id = importId(event.params);
		const form = await readForm(event.request);
		const d = delimiterSchema.safeParse(
			form?.get('delimiter') === 'tab' ? '\t' : form?.get('delimiter')
		);
		if (!d.success) return fail(400, { message: 'Choose a delimiter.' });
		try {
			await imports.changeDelimiter(runtime.db(), id, d.data);
		} catch (e) {
			if (e instanceof imports.ImportNotFoundError)
				return fail(400, { message: 'This import has already started or no longer exists.' });
			if (e instanceof imports.CsvHeadError) return fail(400, { message: e.message });
			throw e;
		}
		return { delimiterChanged: true };
	}
} satisfies Actions;
