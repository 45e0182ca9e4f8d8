import { z } from 'zod';

// The survey definition: one JSON document per survey version (docs/decisions.md). Shared by the
// editor, the respondent page (browser and server) and results.

export const QUESTION_TYPES = [
	'likert',
	'matrix',
	'rating',
	'nps',
	'single',
	'multiple',
	'yesno',
	'ranking',
	'number',
	'short_text',
	'long_text'
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Types whose answers map to a 0–100 score (design §3). single choice scores through option scores. */
export const SCORABLE_TYPES: readonly QuestionType[] = [
	'likert',
	'matrix',
	'rating',
	'nps',
	'yesno',
	'single'
];

const text = (max: number, what = 'This text') =>
	z.string().trim().max(max, `${what} must be at most ${max} characters.`);
const required = (max: number, what: string) => text(max, what).min(1, `${what} is required.`);

export const lineageSchema = z.uuid('Question ids must be UUIDs.');
export const optionValueSchema = z
	.string()
	.regex(/^[A-Za-z0-9_-]{1,64}$/, 'Option values use letters, digits, - and _ (at most 64).');

export const optionSchema = z.object({
	value: optionValueSchema,
	label: required(500, 'An option label'),
	/** optional 0–100 score for scored single-choice questions */
	score: z.number().min(0).max(100).optional()
});

export const conditionSchema = z.object({
	/** lineage id of an earlier question */
	question: lineageSchema,
	/** matrix statement key, when the question is a matrix */
	item: z.string().max(64).optional(),
	op: z.enum([
		'equals',
		'not_equals',
		'any_of',
		'none_of',
		'lt',
		'lte',
		'gt',
		'gte',
		'answered',
		'not_answered'
	]),
	value: z
		.union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(500)).max(100)])
		.optional()
});
export type Condition = z.infer<typeof conditionSchema>;

export const logicSchema = z.object({
	mode: z.enum(['all', 'any']).default('all'),
	conditions: z.array(conditionSchema).min(1, 'A rule needs at least one condition.').max(20)
});
export type Logic = z.infer<typeof logicSchema>;

const base = {
	/** the lineage id: stable across versions while the question keeps its meaning */
	id: lineageSchema,
	prompt: required(2000, 'The question'),
	help: text(2000, 'Help text').default(''),
	required: z.boolean().default(false),
	/** topic key (topics.key); results chart by topic */
	topic: z.string().max(63).nullable().default(null),
	scored: z.boolean().default(false),
	logic: logicSchema.nullable().default(null)
};

const scaleLabels = z.array(required(200, 'A scale label')).min(5).max(7);

export const likertSchema = z.object({
	...base,
	type: z.literal('likert'),
	points: z.union([z.literal(5), z.literal(7)]),
	labels: scaleLabels
});
export const matrixSchema = z.object({
	...base,
	type: z.literal('matrix'),
	points: z.union([z.literal(5), z.literal(7)]),
	labels: scaleLabels,
	items: z
		.array(z.object({ key: optionValueSchema, label: required(500, 'A statement') }))
		.min(1, 'A matrix needs at least one statement.')
		.max(30)
});
export const ratingSchema = z.object({
	...base,
	type: z.literal('rating'),
	style: z.enum(['numeric', 'stars']).default('numeric'),
	max: z.union([z.literal(5), z.literal(10)])
});
export const npsSchema = z.object({
	...base,
	type: z.literal('nps'),
	lowLabel: text(100).default('Not at all likely'),
	highLabel: text(100).default('Extremely likely')
});
const options = z.array(optionSchema).max(50);
export const singleSchema = z.object({
	...base,
	type: z.literal('single'),
	options,
	other: z.boolean().default(false)
});
export const multipleSchema = z.object({
	...base,
	type: z.literal('multiple'),
	options,
	other: z.boolean().default(false),
	minPicks: z.number().int().min(0).max(50).optional(),
	maxPicks: z.number().int().min(1).max(50).optional()
});
export const yesnoSchema = z.object({
	...base,
	type: z.literal('yesno'),
	yesLabel: text(100).default('Yes'),
	noLabel: text(100).default('No')
});
export const rankingSchema = z.object({ ...base, type: z.literal('ranking'), options });
export const numberSchema = z.object({
	...base,
	type: z.literal('number'),
	min: z.number().optional(),
	max: z.number().optional(),
	integer: z.boolean().default(true),
	unit: text(30).default('')
});
export const shortTextSchema = z.object({
	...base,
	type: z.literal('short_text'),
	maxLength: z.number().int().min(1).max(500).default(200)
});
export const longTextSchema = z.object({
	...base,
	type: z.literal('long_text'),
	maxLength: z.number().int().min(1).max(10_000).default(2000)
});

export const questionSchema = z.discriminatedUnion('type', [
	likertSchema,
	matrixSchema,
	ratingSchema,
	npsSchema,
	singleSchema,
	multipleSchema,
	yesnoSchema,
	rankingSchema,
	numberSchema,
	shortTextSchema,
	longTextSchema
]);
export type Question = z.infer<typeof questionSchema>;
export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;

export const sectionSchema = z.object({
	id: z.uuid(),
	title: text(300, 'A section title').default(''),
	description: text(5000, 'A section description').default(''),
	logic: logicSchema.nullable().default(null),
	questions: z.array(questionSchema).max(200)
});
export type Section = z.infer<typeof sectionSchema>;

export const definitionSchema = z
	.object({
		title: required(300, 'The title'),
		language: z
			.string()
			.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'Use a language code like en or de-CH.')
			.default('en'),
		intro: text(10_000, 'The introduction').default(''),
		thankYou: text(10_000, 'The thank-you message').default('Thank you for your answers.'),
		cta: z
			.object({
				label: required(100, 'The button label'),
				url: z.url({ protocol: /^https?$/, message: 'The link must be an http(s) URL.' })
			})
			.nullable()
			.default(null),
		sections: z.array(sectionSchema).max(50)
	})
	.superRefine((def, ctx) => {
		for (const issue of structuralIssues(def)) ctx.addIssue({ code: 'custom', ...issue });
	});
export type Definition = z.infer<typeof definitionSchema>;
export type DefinitionInput = z.input<typeof definitionSchema>;

type Path = (string | number)[];

/** Rules a draft must always keep: unique ids and values, sane scales, logic that points backwards. */
function structuralIssues(def: {
	sections: { id: string; logic: Logic | null; questions: Question[] }[];
}): { path: Path; message: string }[] {
	const issues: { path: Path; message: string }[] = [];
	const seen = new Map<string, Question>();
	const sectionIds = new Set<string>();
	def.sections.forEach((section, s) => {
		if (sectionIds.has(section.id))
			issues.push({ path: ['sections', s, 'id'], message: 'Two sections share an id.' });
		sectionIds.add(section.id);
		// a section's own logic may only use questions of earlier sections
		if (section.logic) checkLogic(section.logic, seen, ['sections', s, 'logic'], issues);
		section.questions.forEach((q, i) => {
			const path: Path = ['sections', s, 'questions', i];
			if (seen.has(q.id))
				issues.push({ path: [...path, 'id'], message: 'Two questions share an id.' });
			if (q.logic) checkLogic(q.logic, seen, [...path, 'logic'], issues);
			if (q.type === 'likert' || q.type === 'matrix') {
				if (q.labels.length !== q.points)
					issues.push({
						path: [...path, 'labels'],
						message: `Give exactly ${q.points} scale labels.`
					});
			}
			if (q.type === 'matrix')
				dupes(
					q.items.map((i) => i.key),
					[...path, 'items'],
					'statement keys',
					issues
				);
			if (q.type === 'single' || q.type === 'multiple' || q.type === 'ranking')
				dupes(
					q.options.map((o) => o.value),
					[...path, 'options'],
					'option values',
					issues
				);
			if (
				q.type === 'multiple' &&
				q.minPicks !== undefined &&
				q.maxPicks !== undefined &&
				q.minPicks > q.maxPicks
			)
				issues.push({
					path: [...path, 'maxPicks'],
					message: 'The maximum picks must be at least the minimum.'
				});
			if (q.type === 'number' && q.min !== undefined && q.max !== undefined && q.min > q.max)
				issues.push({
					path: [...path, 'max'],
					message: 'The maximum must be at least the minimum.'
				});
			seen.set(q.id, q);
		});
	});
	return issues;
}

function dupes(
	values: string[],
	path: Path,
	what: string,
	issues: { path: Path; message: string }[]
) {
	const set = new Set<string>();
	for (const v of values) {
		if (set.has(v)) issues.push({ path, message: `Duplicate ${what}: "${v}".` });
		set.add(v);
	}
}

function checkLogic(
	logic: Logic,
	earlier: Map<string, Question>,
	path: Path,
	issues: { path: Path; message: string }[]
) {
	logic.conditions.forEach((c, i) => {
		const target = earlier.get(c.question);
		if (!target)
			issues.push({
				path: [...path, 'conditions', i, 'question'],
				message: 'A condition must refer to an earlier question that still exists.'
			});
		else if (target.type === 'matrix' && c.item && !target.items.some((it) => it.key === c.item))
			issues.push({
				path: [...path, 'conditions', i, 'item'],
				message: 'That statement does not exist.'
			});
	});
}

/** Why a definition cannot be published (empty when it can). Structural rules are in the schema. */
export function publishProblems(def: Definition): string[] {
	const problems: string[] = [];
	const questions = def.sections.flatMap((s) => s.questions);
	if (questions.length === 0) problems.push('Add at least one question before publishing.');
	def.sections.forEach((s, i) => {
		if (s.questions.length === 0)
			problems.push(`Page ${i + 1} has no questions: add one or delete the page.`);
	});
	for (const q of questions) {
		if (
			(q.type === 'single' || q.type === 'multiple' || q.type === 'ranking') &&
			q.options.length < 2
		)
			problems.push(`"${q.prompt}" needs at least two options.`);
		if (q.scored && !SCORABLE_TYPES.includes(q.type))
			problems.push(`"${q.prompt}" is marked as scored, but ${q.type} questions cannot be scored.`);
		if (q.scored && q.type === 'single' && q.options.some((o) => o.score === undefined))
			problems.push(`"${q.prompt}" is scored: give every option a score from 0 to 100.`);
	}
	return problems;
}

/** Every question with its page index, in order. */
export function allQuestions(
	def: Pick<Definition, 'sections'>
): { question: Question; sectionIndex: number }[] {
	return def.sections.flatMap((s, sectionIndex) =>
		s.questions.map((question) => ({ question, sectionIndex }))
	);
}
