import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireRole } from '$lib/server/auth';
import { formObject, readForm } from '$lib/server/forms';
import * as triggers from '$lib/server/triggers';
import * as runtime from '$lib/server/runtime';

const idSchema = z.coerce.number().int().positive();

/** Pause / resume from a form with `id` and `paused` ("true" or "false"). */
export async function pauseAction(event: Parameters<typeof requireRole>[0] & { request: Request }) {
	requireRole(event, 'editor');
	const data = await readForm(event.request);
	const values = data ? formObject(data) : {};
	const id = idSchema.safeParse(values.id);
	if (!id.success) return fail(400, { message: 'Choose a trigger.' });
	const paused = values.paused === 'true';
	try {
		await triggers.setPaused(runtime.db(), id.data, paused, new Date());
	} catch (e) {
		if (e instanceof triggers.TriggerNotFoundError) return fail(404, { message: e.message });
		throw e;
	}
	return { done: paused ? 'Paused: new events are ignored until you resume.' : 'Resumed.' };
}
