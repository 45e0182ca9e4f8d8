import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import * as customers from '$lib/server/customers';
import * as segments from '$lib/server/segments';
import { randomToken } from '$lib/server/crypto';
import { formObject, readForm } from '$lib/server/forms';
import * as runtime from '$lib/server/runtime';

const seedOf = (v: string | undefined) =>
	v && /^[A-Za-z0-9_-]{16,64}$/.test(v) ? v : randomToken(16);

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const db = runtime.db();
	const seed = randomToken(16);
	const [surveys, keys, globalCapDays, state] = await Promise.all([
		segments.surveyOptions(db),
		customers.attributeKeys(db),
		segments.globalCapDays(db),
		segments.builder.evaluate(db, segments.builder.stateOf(null), { now: new Date(), seed })
	]);
	return { surveys, keys, globalCapDays, seed, initial: { ...state, input: null } };
};

export const actions = {
	build: async (event) => {
		requireRole(event, 'editor');
		const form = await readForm(event.request);
		if (!form) return fail(400, { message: 'The form could not be read.' });
		const values = formObject(form);
		const state = segments.builder.read(values);
		const seed = seedOf(values.seed);
		const evaluated = await segments.builder.evaluate(runtime.db(), state, {
			now: new Date(),
			seed
		});
		// only the errors of a save attempt are shown in full; while building, the rules' errors
		return { state: { ...evaluated, input: null, errors: onlyRuleErrors(evaluated.errors) }, seed };
	},
	save: async (event) => {
		requireRole(event, 'editor');
		const form = await readForm(event.request);
		if (!form) return fail(400, { message: 'The form could not be read.' });
		const values = formObject(form);
		const state = segments.builder.read(values);
		const db = runtime.db();
		const seed = seedOf(values.seed);
		if (!state.input) {
			const evaluated = await segments.builder.evaluate(db, state, { now: new Date(), seed });
			return fail(400, { state: { ...evaluated, input: null }, seed });
		}
		// the seed the preview used, so the saved panel is the one the editor saw
		const id = await segments.create(db, state.input, { seed });
		redirect(303, `/segments/${id}?saved=1`);
	}
} satisfies Actions;

function onlyRuleErrors(errors: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(errors).filter(([k]) => k.startsWith('r.') || k === 'rules')
	);
}
