import { z } from 'zod';
import {
	QUESTION_TYPES,
	logicSchema,
	questionSchema,
	type Condition,
	type Logic,
	type Question
} from './survey';

// Form schemas of the survey editor and topics. Editor forms post flat fields; these turn them into
// definition parts, so the same rules (survey.ts) apply to the editor, imports and templates.

export const TYPE_LABELS: Record<(typeof QUESTION_TYPES)[number], string> = {
	likert: 'Likert scale',
	matrix: 'Matrix (statements on one scale)',
	rating: 'Rating (1–10 or stars)',
	nps: 'NPS (0–10)',
	single: 'Single choice',
	multiple: 'Multiple choice',
	yesno: 'Yes / no',
	ranking: 'Ranking',
	number: 'Number',
	short_text: 'Short text',
	long_text: 'Long text'
};

export const OPERATOR_LABELS: Record<Condition['op'], string> = {
	equals: 'is',
	not_equals: 'is not',
	any_of: 'is any of',
	none_of: 'is none of',
	lt: 'is less than',
	lte: 'is at most',
	gt: 'is more than',
	gte: 'is at least',
	answered: 'is answered',
	not_answered: 'is not answered'
};

export const typeSchema = z.enum(QUESTION_TYPES, 'Choose a question type.');
export const directionSchema = z.enum(['up', 'down']);
export const uuidField = z.uuid('Unknown item: reload the page.');

const checkbox = z
	.string()
	.optional()
	.transform((v) => v === 'on' || v === 'true');

export const settingsFormSchema = z.object({
	title: z.string().trim().min(1, 'The title is required.').max(300, 'At most 300 characters.'),
	language: z
		.string()
		.trim()
		.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'Use a language code like en or de-CH.'),
	intro: z.string().trim().max(10_000, 'At most 10,000 characters.').default(''),
	thankYou: z.string().trim().max(10_000, 'At most 10,000 characters.').default(''),
	ctaLabel: z.string().trim().max(100, 'At most 100 characters.').default(''),
	ctaUrl: z.string().trim().max(2000).default('')
});

export const optionsFormSchema = z.object({
	description: z.string().trim().max(5000, 'At most 5,000 characters.').default(''),
	kind: z.enum(['periodic', 'transactional'], 'Choose a kind.'),
	publicEnabled: checkbox
});

export const sectionFormSchema = z.object({
	title: z.string().trim().max(300, 'At most 300 characters.').default(''),
	description: z.string().trim().max(5000, 'At most 5,000 characters.').default('')
});

export const newSurveySchema = z.object({
	title: z.string().trim().min(1, 'Give the survey a title.').max(300, 'At most 300 characters.'),
	kind: z.enum(['periodic', 'transactional'], 'Choose a kind.').default('periodic')
});

/** A topic key: lowercase letters, digits, - and _. */
export const topicKeySchema = z
	.string()
	.trim()
	.regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Use lowercase letters, digits, - and _ (at most 63).');

const score = z
	.string()
	.trim()
	.transform((v, ctx) => {
		if (v === '') return null;
		const n = Number(v);
		if (!Number.isFinite(n) || n < 0 || n > 100) {
			ctx.addIssue({ code: 'custom', message: 'Enter a number from 0 to 100, or leave it empty.' });
			return z.NEVER;
		}
		return Math.round(n * 100) / 100;
	});

export const topicFormSchema = z.object({
	name: z.string().trim().min(1, 'The name is required.').max(120, 'At most 120 characters.'),
	colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Pick a colour like #2563eb.'),
	description: z.string().trim().max(2000, 'At most 2,000 characters.').default(''),
	target: score.prefault(''),
	benchmark: score.prefault(''),
	benchmarkSource: z.string().trim().max(300, 'At most 300 characters.').default(''),
	benchmarkYear: z
		.string()
		.trim()
		.default('')
		.transform((v, ctx) => {
			if (v === '') return null;
			const n = Number(v);
			if (!Number.isInteger(n) || n < 1900 || n > 2200) {
				ctx.addIssue({ code: 'custom', message: 'Enter a year like 2025, or leave it empty.' });
				return z.NEVER;
			}
			return n;
		})
});
export type TopicForm = z.output<typeof topicFormSchema>;

/** A slug for option values and keys: "Credit card" → "credit-card". */
export function slug(text: string): string {
	const s = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 64);
	return s || 'option';
}

/** "Label | value | score" lines → options; the value defaults to a slug of the label. */
export function parseOptionLines(text: string): { value: string; label: string; score?: number }[] {
	return text
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean)
		.map((line) => {
			const [label, value, score] = line.split('|').map((p) => p.trim());
			const out: { value: string; label: string; score?: number } = {
				label,
				value: value || slug(label)
			};
			if (score !== undefined && score !== '') out.score = Number(score);
			return out;
		});
}

/** Options → the editor's "Label | value | score" lines. */
export function optionLines(options: { value: string; label: string; score?: number }[]): string {
	return options
		.map((o) => [o.label, o.value, ...(o.score !== undefined ? [String(o.score)] : [])].join(' | '))
		.join('\n');
}

const lines = (text: string | undefined) =>
	(text ?? '')
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean);

const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : Number(v));

/** The display value of a condition, as typed in the editor. */
export function conditionValueText(value: Condition['value']): string {
	if (value === undefined) return '';
	if (Array.isArray(value)) return value.join(', ');
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	return String(value);
}

const NUMERIC = new Set(['likert', 'matrix', 'rating', 'nps', 'number']);

/** Turns a typed value into what the logic compares, by the referenced question's type. */
export function conditionValue(
	target: Question | undefined,
	op: Condition['op'],
	text: string
): Condition['value'] {
	if (op === 'answered' || op === 'not_answered') return undefined;
	const t = text.trim();
	if (op === 'any_of' || op === 'none_of')
		return t
			.split(',')
			.map((x) => x.trim())
			.filter(Boolean)
			.map((x) => (target?.type === 'yesno' ? String(/^(yes|true|1)$/i.test(x)) : x));
	if (target?.type === 'yesno') return /^(yes|true|1|ja|oui)$/i.test(t);
	if (target && NUMERIC.has(target.type) && t !== '' && Number.isFinite(Number(t)))
		return Number(t);
	return t;
}

/**
 * Reads a logic builder (fields `${prefix}mode`, `${prefix}q_N`, `${prefix}op_N`, `${prefix}v_N`)
 * into a rule; rows without a question are ignored; no rows → null (always shown).
 */
export function logicFromForm(
	data: FormData,
	prefix: string,
	questions: Question[]
): { logic: Logic | null; error?: string } {
	const byId = new Map(questions.map((q) => [q.id, q]));
	const conditions: Condition[] = [];
	for (let i = 0; i < 20; i++) {
		const ref = String(data.get(`${prefix}q_${i}`) ?? '');
		if (!ref) continue;
		const [question, item] = ref.split('::');
		const op = String(data.get(`${prefix}op_${i}`) ?? 'equals') as Condition['op'];
		const text = String(data.get(`${prefix}v_${i}`) ?? '');
		const value = conditionValue(byId.get(question), op, text);
		if (value === '' || (Array.isArray(value) && value.length === 0))
			return { logic: null, error: `Condition ${i + 1}: enter the value to compare with.` };
		conditions.push({
			question,
			...(item ? { item } : {}),
			op,
			...(value === undefined ? {} : { value })
		});
	}
	if (!conditions.length) return { logic: null };
	const parsed = logicSchema.safeParse({ mode: data.get(`${prefix}mode`) ?? 'all', conditions });
	if (!parsed.success) return { logic: null, error: parsed.error.issues[0].message };
	return { logic: parsed.data };
}

/** Builds a question from the editor's form over the existing one (same id and type). */
export function questionFromForm(existing: Question, data: FormData, logic: Logic | null): unknown {
	const get = (k: string) => {
		const v = data.get(k);
		return typeof v === 'string' ? v : undefined;
	};
	const base = {
		id: existing.id,
		type: existing.type,
		prompt: get('prompt') ?? '',
		help: get('help') ?? '',
		required: get('required') === 'on',
		topic: get('topic') || null,
		scored: get('scored') === 'on',
		logic
	};
	switch (existing.type) {
		case 'likert':
			return { ...base, points: Number(get('points')), labels: lines(get('labels')) };
		case 'matrix':
			return {
				...base,
				points: Number(get('points')),
				labels: lines(get('labels')),
				items: parseOptionLines(get('items') ?? '').map((o) => ({ key: o.value, label: o.label }))
			};
		case 'rating':
			return { ...base, style: get('style'), max: Number(get('max')) };
		case 'nps':
			return { ...base, lowLabel: get('lowLabel') ?? '', highLabel: get('highLabel') ?? '' };
		case 'single':
			return {
				...base,
				options: parseOptionLines(get('options') ?? ''),
				other: get('other') === 'on'
			};
		case 'multiple':
			return {
				...base,
				options: parseOptionLines(get('options') ?? ''),
				other: get('other') === 'on',
				minPicks: num(get('minPicks')),
				maxPicks: num(get('maxPicks'))
			};
		case 'yesno':
			return { ...base, yesLabel: get('yesLabel') ?? '', noLabel: get('noLabel') ?? '' };
		case 'ranking':
			return { ...base, options: parseOptionLines(get('options') ?? '') };
		case 'number':
			return {
				...base,
				min: num(get('min')),
				max: num(get('max')),
				integer: get('integer') === 'on',
				unit: get('unit') ?? ''
			};
		case 'short_text':
		case 'long_text':
			return { ...base, maxLength: num(get('maxLength')) };
	}
}

/** Editor field name for an issue path inside a question (options.2.value → options). */
export function questionField(path: PropertyKey[]): string {
	const head = String(path[0] ?? '_');
	return head === 'id' ? '_' : head;
}

export { questionSchema };
