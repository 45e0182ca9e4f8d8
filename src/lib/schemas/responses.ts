import { z } from 'zod';
import type { Question } from './survey';
import { isAnswered, OTHER, type Answers } from '$lib/survey/answers';

// Answer validation built from the question definitions (design §5: the server rebuilds the
// validator from the survey version and decides completeness itself). Server-side only in
// practice: the respondent page's browser code must not import zod (design P5).

/** Limits that reject a tampered or oversized post before any parsing work. */
export const LIMITS = {
	/** form entries in one posted page */
	entries: 2000,
	/** characters in any one posted value */
	valueChars: 20_000,
	/** characters of an "other, please say" text */
	otherChars: 500
} as const;

const PLEASE_ANSWER = 'Please answer this question.';

const intIn = (min: number, max: number, message: string) =>
	z.number({ error: message }).int(message).min(min, message).max(max, message);

/** The zod schema of one question's answer value (present, i.e. not for "unanswered"). */
export function answerSchema(q: Question): z.ZodType {
	switch (q.type) {
		case 'likert':
			return intIn(1, q.points, `Choose one of the ${q.points} points of the scale.`);
		case 'rating':
			return intIn(1, q.max, `Choose a rating from 1 to ${q.max}.`);
		case 'nps':
			return intIn(0, 10, 'Choose a number from 0 to 10.');
		case 'matrix': {
			const point = intIn(1, q.points, `Choose one of the ${q.points} points for each statement.`);
			return z
				.strictObject(Object.fromEntries(q.items.map((i) => [i.key, point.optional()])), {
					error: 'This answer does not match the statements of the question.'
				})
				.superRefine((v, ctx) => {
					if (!q.required) return;
					const missing = q.items.filter((i) => v[i.key] === undefined);
					if (missing.length)
						ctx.addIssue({
							code: 'custom',
							message: `Please rate every statement (missing: ${missing.map((i) => i.label).join(', ')}).`
						});
				});
		}
		case 'single': {
			const values = [...q.options.map((o) => o.value), ...(q.other ? [OTHER] : [])];
			return z.string({ error: 'Choose one of the options.' }).refine((v) => values.includes(v), {
				message: 'Choose one of the options.'
			});
		}
		case 'multiple': {
			const values = [...q.options.map((o) => o.value), ...(q.other ? [OTHER] : [])];
			let s = z
				.array(z.string(), { error: 'Choose from the options.' })
				.max(values.length, 'Choose from the options.')
				.refine((l) => l.every((v) => values.includes(v)), 'Choose from the options.')
				.refine((l) => new Set(l).size === l.length, 'Each option can be chosen once.');
			if (q.minPicks !== undefined && q.minPicks > 1) {
				const min = q.minPicks;
				s = s.refine((l) => l.length >= min, `Choose at least ${min} options.`);
			}
			if (q.maxPicks !== undefined) {
				const max = q.maxPicks;
				s = s.refine((l) => l.length <= max, `Choose at most ${max} options.`);
			}
			return s;
		}
		case 'yesno':
			return z.boolean({ error: 'Answer yes or no.' });
		case 'ranking': {
			const values = q.options.map((o) => o.value);
			return z
				.array(z.string(), { error: 'Rank the options.' })
				.length(values.length, 'Rank the options.')
				.refine((l) => l.every((v) => v !== ''), 'Give every option a place in the ranking.')
				.refine(
					(l) => l.every((v) => v === '' || values.includes(v)),
					'Rank only the options shown.'
				)
				.refine(
					(l) => new Set(l.filter((v) => v !== '')).size === l.filter((v) => v !== '').length,
					'Each option can have only one place.'
				);
		}
		case 'number': {
			let s = z.number({ error: 'Enter a number.' }).finite('Enter a number.');
			if (q.integer) s = s.int('Enter a whole number.');
			const range =
				q.min !== undefined && q.max !== undefined
					? `Enter a number from ${q.min} to ${q.max}.`
					: undefined;
			if (q.min !== undefined) s = s.min(q.min, range ?? `Enter at least ${q.min}.`);
			if (q.max !== undefined) s = s.max(q.max, range ?? `Enter at most ${q.max}.`);
			return s;
		}
		case 'short_text':
		case 'long_text':
			return z
				.string({ error: 'Enter text.' })
				.max(q.maxLength, `Use at most ${q.maxLength} characters.`);
	}
}

// Schemas are built once per question object and page: published versions are cached (and so keep
// their question objects), and building a zod object schema per request is the costly part (P1).
const fieldCache = new WeakMap<Question, { required?: z.ZodType; optional?: z.ZodType }>();

function fieldSchema(q: Question, enforceRequired: boolean): z.ZodType {
	let cached = fieldCache.get(q);
	if (!cached) fieldCache.set(q, (cached = {}));
	const required = q.required && enforceRequired;
	const hit = required ? cached.required : cached.optional;
	if (hit) return hit;
	const value = answerSchema(q);
	const built = required
		? z
				.any()
				.superRefine((v, ctx) => {
					if (!isAnswered(v)) ctx.addIssue({ code: 'custom', message: PLEASE_ANSWER });
				})
				.pipe(value)
		: value.optional();
	if (required) cached.required = built;
	else cached.optional = built;
	return built;
}

interface PageSchemas {
	questions: Question[];
	answers?: z.ZodType;
	answersRequired?: z.ZodType;
	others?: z.ZodType;
}
const pageCache = new WeakMap<Question, PageSchemas[]>();

/** The cached schemas of exactly these question objects, in this order. */
function pageSchemas(questions: Question[]): PageSchemas {
	const fresh: PageSchemas = { questions: [...questions] };
	if (questions.length === 0) return fresh;
	const list = pageCache.get(questions[0]) ?? [];
	const found = list.find(
		(p) =>
			p.questions.length === questions.length && p.questions.every((q, i) => q === questions[i])
	);
	if (found) return found;
	list.push(fresh);
	// a question is on one page; a bounded list covers its visible-question variants
	if (list.length > 16) list.shift();
	pageCache.set(questions[0], list);
	return fresh;
}

/**
 * The schema of one page's answers: only the given (visible) questions, unknown ids rejected,
 * required questions enforced when `enforceRequired`.
 */
export function answersSchema(questions: Question[], opts: { enforceRequired: boolean }) {
	const shape: Record<string, z.ZodType> = {};
	for (const q of questions) shape[q.id] = fieldSchema(q, opts.enforceRequired);
	return z.strictObject(shape, { error: 'This form contains answers to unknown questions.' });
}

function cachedAnswersSchema(questions: Question[], enforceRequired: boolean): z.ZodType {
	const p = pageSchemas(questions);
	if (enforceRequired) return (p.answersRequired ??= answersSchema(questions, { enforceRequired }));
	return (p.answers ??= answersSchema(questions, { enforceRequired }));
}

/** The schema of "other, please say" texts: only for questions with an "other" option. */
export function othersSchema(questions: Question[]) {
	const shape: Record<string, z.ZodType> = {};
	for (const q of questions) {
		if ((q.type === 'single' || q.type === 'multiple') && q.other)
			shape[q.id] = z
				.string()
				.max(LIMITS.otherChars, `Use at most ${LIMITS.otherChars} characters.`)
				.optional();
	}
	return z.strictObject(shape);
}

export type PageErrors = Record<string, string>;

/**
 * Validates answers to the given questions. Returns the typed answers (others only where "other"
 * was picked) or one message per question id.
 */
export function validateAnswers(
	questions: Question[],
	answers: Record<string, unknown>,
	others: Record<string, string>,
	opts: { enforceRequired: boolean }
):
	| { ok: true; answers: Answers; others: Record<string, string> }
	| { ok: false; errors: PageErrors } {
	const errors: PageErrors = {};
	const page = pageSchemas(questions);
	const a = cachedAnswersSchema(questions, opts.enforceRequired).safeParse(answers);
	const o = (page.others ??= othersSchema(questions)).safeParse(others);
	for (const issue of [...(a.error?.issues ?? []), ...(o.error?.issues ?? [])]) {
		const key = issue.path.length ? String(issue.path[0]) : '_';
		errors[key] ??= issue.message;
	}
	const data = (a.data ?? {}) as Answers;
	const otherTexts: Record<string, string> = {};
	for (const q of questions) {
		if (q.type !== 'single' && q.type !== 'multiple') continue;
		const v = data[q.id];
		const picked = Array.isArray(v) ? v.includes(OTHER) : v === OTHER;
		if (!picked) continue;
		const text = others[q.id]?.trim() ?? '';
		if (text === '') errors[q.id] ??= 'Please say what "other" means for you.';
		else otherTexts[q.id] = text;
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	return { ok: true, answers: data, others: otherTexts };
}
