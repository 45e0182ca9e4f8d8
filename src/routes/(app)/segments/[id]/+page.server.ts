import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { can, requireRole, requireUser } from '$lib/server/auth';
import * as customers from '$lib/server/customers';
import * as segments from '$lib/server/segments';
import { formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

async function segmentOf(params: { id: string }) {
	const id = idSchema.safeParse(params.id);
	if (!id.success) error(404, 'We could not find that segment.');
	const row = await segments.get(runtime.db(), id.data);
	if (!row || row.archived_at) error(404, 'We could not find that segment.');
	return row;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const segment = await segmentOf(event.params);
	const db = runtime.db();
	const [surveys, keys, globalCapDays, state] = await Promise.all([
		segments.surveyOptions(db),
		customers.attributeKeys(db),
		segments.globalCapDays(db),
		segments.builder.evaluate(db, segments.builder.stateOf(segment), {
			now: new Date(),
			seed: segment.sample_seed
		})
	]);
	return {
		segment: { id: segment.id, name: segment.name, isDemo: segment.is_demo },
		surveys,
		keys,
		globalCapDays,
		initial: { ...state, input: null },
		saved: event.url.searchParams.has('saved'),
		canEdit: can(user, 'editor')
	};
};

export const actions = {
	build: async (event) => {
		requireRole(event, 'editor');
		const segment = await segmentOf(event.params);
		const form = await readForm(event.request);
		if (!form) return fail(400, { message: 'The form could not be read.' });
		const state = segments.builder.read(formObject(form));
		const evaluated = await segments.builder.evaluate(runtime.db(), state, {
			now: new Date(),
			seed: segment.sample_seed
		});
		const errors = Object.fromEntries(
			Object.entries(evaluated.errors).filter(([k]) => k.startsWith('r.') || k === 'rules')
		);
		return { state: { ...evaluated, input: null, errors } };
	},
	save: async (event) => {
		requireRole(event, 'editor');
		const segment = await segmentOf(event.params);
		const form = await readForm(event.request);
		if (!form) return fail(400, { message: 'The form could not be read.' });
		const state = segments.builder.read(formObject(form));
		const db = runtime.db();
		if (!state.input) {
			const evaluated = await segments.builder.evaluate(db, state, {
				now: new Date(),
				seed: segment.sample_seed
			});
			return fail(400, { state: { ...evaluated, input: null } });
		}
		await segments.update(db, segment.id, state.input);
		redirect(303, `/segments/${segment.id}?saved=1`);
	},
	rotate: async (event) => {
		requireRole(event, 'editor');
		const segment = await segmentOf(event.params);
		await segments.rotateSeed(runtime.db(), segment.id);
		return { rotated: true };
	},
	archive: async (event) => {
		requireRole(event, 'editor');
		const segment = await segmentOf(event.params);
		await segments.archive(runtime.db(), segment.id);
		redirect(303, '/segments');
	}
} satisfies Actions;
