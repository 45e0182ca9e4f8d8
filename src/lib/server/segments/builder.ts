import type { DbOrTrx } from '../db';
import type { SegmentRow } from '../db/schema';
import { fieldErrors } from '../forms';
import { segmentSchema, type SegmentInput } from '../../schemas/segments';
import { applyIntent, draftFromForm, draftFromRules, rulesFromDraft, type DraftNode } from './form';
import { count, rulesOf, sample, type SegmentCount } from './index';

// What the segment builder page posts and shows: the draft tree, the other fields, the live count
// and a few matching customers.

export interface BuilderValues {
	name: string;
	description: string;
	samplePercent: string;
	maxCustomers: string;
	contactCapDays: string;
}

export interface BuilderState {
	draft: DraftNode;
	values: BuilderValues;
	errors: Record<string, string>;
	count: SegmentCount | null;
	sample: {
		id: number;
		external_id: string;
		email: string | null;
		name: string;
		attributes: Record<string, unknown>;
	}[];
	/** the validated input when there were no errors */
	input: SegmentInput | null;
}

/** The builder's state for a saved segment (or a new one). */
export function stateOf(segment: SegmentRow | null): Omit<BuilderState, 'count' | 'sample'> {
	return {
		draft: draftFromRules(
			(segment && rulesOf(segment)) || { type: 'group', op: 'and', children: [] }
		),
		values: {
			name: segment?.name ?? '',
			description: segment?.description ?? '',
			samplePercent: String(segment ? Number(segment.sample_percent) : 100),
			maxCustomers: segment?.max_customers ? String(segment.max_customers) : '',
			contactCapDays:
				segment?.contact_cap_days !== null && segment ? String(segment.contact_cap_days) : ''
		},
		errors: {},
		input: null
	};
}

/** Reads a posted builder form, applies an add/remove intent, and validates. */
export function read(form: Record<string, string>): Omit<BuilderState, 'count' | 'sample'> {
	let draft = draftFromForm(form);
	if (form.intent) draft = applyIntent(draft, form.intent);
	const values: BuilderValues = {
		name: (form.name ?? '').slice(0, 300),
		description: (form.description ?? '').slice(0, 3000),
		samplePercent: (form.samplePercent ?? '100').slice(0, 20),
		maxCustomers: (form.maxCustomers ?? '').slice(0, 20),
		contactCapDays: (form.contactCapDays ?? '').slice(0, 20)
	};
	const rules = rulesFromDraft(draft);
	const parsed = segmentSchema.safeParse({
		...values,
		rules: rules.ok ? rules.rules : { type: 'group', op: 'and', children: [] }
	});
	const errors = {
		...(rules.ok ? {} : rules.errors),
		...(parsed.success ? {} : fieldErrors(parsed.error))
	};
	return { draft, values, errors, input: rules.ok && parsed.success ? parsed.data : null };
}

/** Adds the live count and sample when the rules are valid. */
export async function evaluate(
	db: DbOrTrx,
	state: Omit<BuilderState, 'count' | 'sample'>,
	opts: { now: Date; seed: string }
): Promise<BuilderState> {
	const rules = rulesFromDraft(state.draft);
	if (!rules.ok) return { ...state, count: null, sample: [] };
	const percent = Number(state.values.samplePercent);
	const max = Number(state.values.maxCustomers);
	const cap =
		state.values.contactCapDays.trim() === '' ? null : Number(state.values.contactCapDays);
	const segment = {
		rules: rules.rules,
		sample_percent: percent > 0 && percent <= 100 ? percent : 100,
		sample_seed: opts.seed,
		max_customers: Number.isInteger(max) && max > 0 ? max : null,
		contact_cap_days: cap !== null && Number.isInteger(cap) && cap >= 0 ? cap : null
	};
	const [c, s] = await Promise.all([
		count(db, segment, { now: opts.now }),
		sample(db, segment, { now: opts.now, limit: 10 })
	]);
	return { ...state, count: c, sample: s };
}
