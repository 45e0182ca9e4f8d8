import { error } from '@sveltejs/kit';
import { z } from 'zod';
import type { RequestHandler } from './$types';
import { requireUser } from '$lib/server/auth';
import * as surveys from '$lib/server/surveys';
import * as runtime from '$lib/server/runtime';

/** The survey as a JSON file (its draft, or its latest published version), for import elsewhere. */
export const GET: RequestHandler = async (event) => {
	requireUser(event);
	const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(event.params.id);
	if (!id.success) error(404, { message: 'That survey does not exist.' });
	try {
		const doc = await surveys.exportJson(runtime.db(), id.data);
		const name = `survey-${id.data}.json`;
		return new Response(JSON.stringify(doc, null, 2), {
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'content-disposition': `attachment; filename="${name}"`
			}
		});
	} catch (e) {
		if (e instanceof surveys.SurveyNotFoundError) error(404, { message: e.message });
		throw e;
	}
};
