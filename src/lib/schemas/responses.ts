import { z } from 'zod';
import type { Question } from './survey';
import { isAnswered, OTHER, type Answers } from '$lib/survey/answers';
import { translator, type RespondentLanguage, type Translator } from '$lib/i18n/respondent';

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

const intIn = (min: number, max: number, message: string) =>
	z.number({ error: message }).int(message).min(min, message).max(max, message);

/**
 * The zod schema of one question's answer value (present, i.e. not for "unanswered"), with its
 * messages in the given language (the survey's; English by default).
 */
export function answerSchema(q: Question, t: Translator = translator('en')): z.ZodType {
	switch (q.type) {
		case 'likert':
			return intIn(1, q.points, t('likertPoint', { points: q.points }));
		case 'rating':
			return intIn(1, q.max, t('ratingRange', { max: q.max }));
		case 'nps':
			return intIn(0, 10, t('npsRange'));
		case 'matrix': {
			const point = intIn(1, q.points, t('matrixPoint', { points: q.points }));
			return z
				.strictObject(Object.fromEntries(q.items.map((i) => [i.key, point.optional()])), {
					error: t('matrixShape')
				})
				.superRefine((v, ctx) => {
					if (!q.required) return;
					const missing = q.items.filter((i) => v[i.key] === undefined);
					if (missing.length)
						ctx.addIssue({
							code: 'custom',
							message: t('matrixMissing', { items: missing.map((i) => i.label).join(', ') })
						});
				});
		}
		case 'single': {
			const values = [...q.options.map((o) => o.value), ...(q.other ? [OTHER] : [])];
			return z.string({ error: t('chooseOne') }).refine((v) => values.includes(v), {
				message: t('chooseOne')
			});
		}
		case 'multiple': {
			const values = [...q.options.map((o) => o.value), ...(q.other ? [OTHER] : [])];
			let s = z
				.array(z.string(), { error: t('chooseFrom') })
				.max(values.length, t('chooseFrom'))
				.refine((l) => l.every((v) => values.includes(v)), t('chooseFrom'))
				.refine((l) => new Set(l).size === l.length, t('chooseOnce'));
			if (q.minPicks !== undefined && q.minPicks > 1) {
				const min = q.minPicks;
				s = s.refine((l) => l.length >= min, t('minPicks', { count: min }));
			}
			if (q.maxPicks !== undefined) {
				const max = q.maxPicks;
				s = s.refine((l) => l.length <= max, t('maxPicks', { count: max }));
			}
			return s;
		}
		case 'yesno':
			return z.boolean({ error: t('yesNo') });
		case 'ranking': {
			const values = q.options.map((o) => o.value);
			return z
				.array(z.string(), { error: t('rank') })
				.length(values.length, t('rank'))
				.refine((l) => l.every((v) => v !== ''), t('rankEvery'))
				.refine((l) => l.every((v) => v === '' || values.includes(v)), t('rankShown'))
				.refine(
					(l) => new Set(l.filter((v) => v !== '')).size === l.filter((v) => v !== '').length,
					t('rankOnce')
				);
		}
		case 'number': {
			let s = z.number({ error: t('number') }).finite(t('number'));
			if (q.integer) s = s.int(t('wholeNumber'));
			const range =
				q.min !== undefined && q.max !== undefined
					? t('numberRange', { min: q.min, max: q.max })
					: undefined;
			if (q.min !== undefined) s = s.min(q.min, range ?? t('numberMin', { min: q.min }));
			if (q.max !== undefined) s = s.max(q.max, range ?? t('numberMax', { max: q.max }));
			return s;
		}
		case 'short_text':
		case 'long_text':
			return z.string({ error: t('text') }).max(q.maxLength, t('textMax', { count: q.maxLength }));
	}
}

interface FieldSchemas {
	required?: z.ZodType;
	optional?: z.ZodType;
}

// Schemas are built once per question object, page and language: published versions are cached
// (and so keep their question objects), and building a zod object schema per request is the
// costly part (P1). Only the messages differ between languages, never a verdict.
const fieldCache = new WeakMap<Question, Map<RespondentLanguage, FieldSchemas>>();

function fieldSchema(q: Question, enforceRequired: boolean, t: Translator): z.ZodType {
	let byLang = fieldCache.get(q);
	if (!byLang) fieldCache.set(q, (byLang = new Map()));
	let cached = byLang.get(t.language);
	if (!cached) byLang.set(t.language, (cached = {}));
	const required = q.required && enforceRequired;
	const hit = required ? cached.required : cached.optional;
	if (hit) return hit;
	const value = answerSchema(q, t);
	const pleaseAnswer = t('pleaseAnswer');
	const built = required
		? z
				.any()
				.superRefine((v, ctx) => {
					if (!isAnswered(v)) ctx.addIssue({ code: 'custom', message: pleaseAnswer });
				})
				.pipe(value)
		: value.optional();
	if (required) cached.required = built;
	else cached.optional = built;
	return built;
}

interface LanguageSchemas {
	answers?: z.ZodType;
	answersRequired?: z.ZodType;
	others?: z.ZodType;
}
interface PageSchemas {
	questions: Question[];
	byLang: Map<RespondentLanguage, LanguageSchemas>;
}
const pageCache = new WeakMap<Question, PageSchemas[]>();

/** The cached schemas of exactly these question objects, in this order, in one language. */
function pageSchemas(questions: Question[], language: RespondentLanguage): LanguageSchemas {
	const fresh: PageSchemas = { questions: [...questions], byLang: new Map() };
	const inLanguage = (p: PageSchemas) => {
		let l = p.byLang.get(language);
		if (!l) p.byLang.set(language, (l = {}));
		return l;
	};
	if (questions.length === 0) return inLanguage(fresh);
	const list = pageCache.get(questions[0]) ?? [];
	const found = list.find(
		(p) =>
			p.questions.length === questions.length && p.questions.every((q, i) => q === questions[i])
	);
	if (found) return inLanguage(found);
	list.push(fresh);
	// a question is on one page; a bounded list covers its visible-question variants
	if (list.length > 16) list.shift();
	pageCache.set(questions[0], list);
	return inLanguage(fresh);
}

/**
 * The schema of one page's answers: only the given (visible) questions, unknown ids rejected,
 * required questions enforced when `enforceRequired`.
 */
export function answersSchema(
	questions: Question[],
	opts: { enforceRequired: boolean; t?: Translator }
) {
	const t = opts.t ?? translator('en');
	const shape: Record<string, z.ZodType> = {};
	for (const q of questions) shape[q.id] = fieldSchema(q, opts.enforceRequired, t);
	return z.strictObject(shape, { error: t('unknownQuestions') });
}

function cachedAnswersSchema(
	questions: Question[],
	enforceRequired: boolean,
	t: Translator
): z.ZodType {
	const p = pageSchemas(questions, t.language);
	if (enforceRequired)
		return (p.answersRequired ??= answersSchema(questions, { enforceRequired, t }));
	return (p.answers ??= answersSchema(questions, { enforceRequired, t }));
}

/** The schema of "other, please say" texts: only for questions with an "other" option. */
export function othersSchema(questions: Question[], t: Translator = translator('en')) {
	const shape: Record<string, z.ZodType> = {};
	for (const q of questions) {
		if ((q.type === 'single' || q.type === 'multiple') && q.other)
			shape[q.id] = z
				.string()
				.max(LIMITS.otherChars, t('textMax', { count: LIMITS.otherChars }))
				.optional();
	}
	return z.strictObject(shape);
}

export type PageErrors = Record<string, string>;

/**
 * Validates answers to the given questions. Returns the typed answers (others only where "other"
 * was picked) or one message per question id, in `language` (the survey's; English by default —
 * the language changes the messages only, never the verdict).
 */
export function validateAnswers(
	questions: Question[],
	answers: Record<string, unknown>,
	others: Record<string, string>,
	opts: { enforceRequired: boolean; language?: string }
):
	| { ok: true; answers: Answers; others: Record<string, string> }
	| { ok: false; errors: PageErrors } {
	const errors: PageErrors = {};
	const t = translator(opts.language);
	const page = pageSchemas(questions, t.language);
	const a = cachedAnswersSchema(questions, opts.enforceRequired, t).safeParse(answers);
	const o = (page.others ??= othersSchema(questions, t)).safeParse(others);
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
		if (text === '') errors[q.id] ??= t('otherMissing');
		else otherTexts[q.id] = text;
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	return { ok: true, answers: data, others: otherTexts };
}
