import { randomUUID } from 'node:crypto';
import {
	definitionSchema,
	questionSchema,
	type Definition,
	type Logic,
	type Question,
	type QuestionType,
	type Section
} from '$lib/schemas/survey';

// Pure edits of a draft definition. Each returns a new definition; the caller validates the result
// with definitionSchema (structural rules) before it is stored.

/** A refused edit, with a message for the user and optionally the form field it concerns. */
export class EditError extends Error {
	constructor(
		message: string,
		readonly field?: string
	) {
		super(message);
	}
}

/** What "undo delete" puts back. */
export type Trash =
	| { kind: 'question'; sectionId: string; index: number; question: Question }
	| { kind: 'section'; index: number; section: Section };

const LIKERT5 = ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'];
const LIKERT7 = [
	'Strongly disagree',
	'Disagree',
	'Somewhat disagree',
	'Neutral',
	'Somewhat agree',
	'Agree',
	'Strongly agree'
];

/** Default scale labels for a Likert or matrix scale of 5 or 7 points. */
export function defaultLabels(points: 5 | 7): string[] {
	return points === 7 ? [...LIKERT7] : [...LIKERT5];
}

const defaultOptions = () => [
	{ value: 'option-1', label: 'Option 1' },
	{ value: 'option-2', label: 'Option 2' }
];

/** A new question of a type with sensible, valid settings. */
export function newQuestion(type: QuestionType, keep: Partial<Question> = {}): Question {
	const common = {
		id: keep.id ?? randomUUID(),
		prompt: keep.prompt ?? 'New question',
		help: keep.help ?? '',
		required: keep.required ?? false,
		topic: keep.topic ?? null,
		scored: false,
		logic: keep.logic ?? null
	};
	const scorable = ['likert', 'matrix', 'rating', 'nps', 'yesno'].includes(type);
	const raw: Record<string, unknown> = { ...common, type, scored: scorable && !!keep.scored };
	switch (type) {
		case 'likert':
			Object.assign(raw, { points: 5, labels: defaultLabels(5) });
			break;
		case 'matrix':
			Object.assign(raw, {
				points: 5,
				labels: defaultLabels(5),
				items: [
					{ key: 'statement-1', label: 'Statement 1' },
					{ key: 'statement-2', label: 'Statement 2' }
				]
			});
			break;
		case 'rating':
			Object.assign(raw, { style: 'numeric', max: 10 });
			break;
		case 'single':
		case 'multiple':
		case 'ranking':
			raw.options = keepOptions(keep) ?? defaultOptions();
			break;
	}
	return questionSchema.parse(raw);
}

function keepOptions(q: Partial<Question>) {
	return 'options' in q && Array.isArray(q.options) && q.options.length ? q.options : undefined;
}

function locate(def: Definition, id: string): { s: number; i: number } {
	for (let s = 0; s < def.sections.length; s++) {
		const i = def.sections[s].questions.findIndex((q) => q.id === id);
		if (i >= 0) return { s, i };
	}
	throw new EditError('That question no longer exists: reload the page.');
}

function sectionIndex(def: Definition, id: string): number {
	const s = def.sections.findIndex((x) => x.id === id);
	if (s < 0) throw new EditError('That page no longer exists: reload the page.');
	return s;
}

const clone = <T>(v: T): T => structuredClone(v);

/** Every question whose logic (or whose page's logic) refers to the given lineage id. */
export function dependents(def: Definition, id: string): Question[] {
	const uses = (l: Logic | null) => !!l?.conditions.some((c) => c.question === id);
	const out: Question[] = [];
	for (const s of def.sections) {
		for (const q of s.questions) if (uses(q.logic) || uses(s.logic)) out.push(q);
	}
	return out;
}

/** Appends a question of the given type to a page; returns its id. */
export function addQuestion(
	def: Definition,
	sectionId: string,
	type: QuestionType
): { def: Definition; id: string } {
	const next = clone(def);
	const q = newQuestion(type);
	next.sections[sectionIndex(next, sectionId)].questions.push(q);
	return { def: next, id: q.id };
}

/** Copies a question (new lineage id) right after itself. */
export function duplicateQuestion(def: Definition, id: string): { def: Definition; id: string } {
	const next = clone(def);
	const { s, i } = locate(next, id);
	const copy = { ...clone(next.sections[s].questions[i]), id: randomUUID() };
	copy.prompt = copy.prompt.length < 1990 ? `${copy.prompt} (copy)` : copy.prompt;
	next.sections[s].questions.splice(i + 1, 0, copy);
	return { def: next, id: copy.id };
}

/** Removes a question, unless later display logic depends on it. */
export function deleteQuestion(def: Definition, id: string): { def: Definition; trash: Trash } {
	const next = clone(def);
	const { s, i } = locate(next, id);
	const users = dependents(next, id).filter((q) => q.id !== id);
	if (users.length)
		throw new EditError(
			`“${users[0].prompt}” shows or hides depending on this question: change that rule first.`
		);
	const [question] = next.sections[s].questions.splice(i, 1);
	return {
		def: next,
		trash: { kind: 'question', sectionId: next.sections[s].id, index: i, question }
	};
}

/** Moves a question one place up or down, across page boundaries at the ends of a page. */
export function moveQuestion(def: Definition, id: string, dir: 'up' | 'down'): Definition {
	const next = clone(def);
	const { s, i } = locate(next, id);
	const list = next.sections[s].questions;
	const [q] = list.splice(i, 1);
	if (dir === 'up') {
		if (i > 0) list.splice(i - 1, 0, q);
		else if (s > 0) next.sections[s - 1].questions.push(q);
		else throw new EditError('This is already the first question.');
	} else {
		if (i < list.length) list.splice(i + 1, 0, q);
		else if (s < next.sections.length - 1) next.sections[s + 1].questions.unshift(q);
		else throw new EditError('This is already the last question.');
	}
	return next;
}

/** Places a question before another one, or at the end of a page when `before` is null (drag and drop). */
export function placeQuestion(
	def: Definition,
	id: string,
	sectionId: string,
	before: string | null
): Definition {
	if (id === before) return def;
	const next = clone(def);
	const { s, i } = locate(next, id);
	const [q] = next.sections[s].questions.splice(i, 1);
	const t = sectionIndex(next, sectionId);
	const list = next.sections[t].questions;
	const at = before === null ? -1 : list.findIndex((x) => x.id === before);
	if (before !== null && at < 0)
		throw new EditError('That place no longer exists: reload the page.');
	list.splice(at < 0 ? list.length : at, 0, q);
	return next;
}

/** Replaces a question (same id) with new settings. */
export function replaceQuestion(def: Definition, q: Question): Definition {
	const next = clone(def);
	const { s, i } = locate(next, q.id);
	next.sections[s].questions[i] = q;
	return next;
}

/** Changes a question's type, keeping prompt, help, topic, logic and any options. */
export function changeType(def: Definition, id: string, type: QuestionType): Definition {
	const { s, i } = locate(def, id);
	const old = def.sections[s].questions[i];
	if (old.type === type) return def;
	const used = dependents(def, id).filter((q) => q.id !== id);
	if (used.length)
		throw new EditError(
			`“${used[0].prompt}” shows or hides depending on this question's answers: change that rule before the type.`
		);
	return replaceQuestion(def, newQuestion(type, old));
}

/**
 * "This is a new question": gives it a new lineage id so results do not join it with earlier
 * versions. Logic that referred to it follows the new id.
 */
export function markNew(def: Definition, id: string): { def: Definition; id: string } {
	const fresh = randomUUID();
	const next = clone(def);
	const { s, i } = locate(next, id);
	next.sections[s].questions[i].id = fresh;
	const relink = (l: Logic | null) =>
		l?.conditions.forEach((c) => {
			if (c.question === id) c.question = fresh;
		});
	for (const sec of next.sections) {
		relink(sec.logic);
		for (const q of sec.questions) relink(q.logic);
	}
	return { def: next, id: fresh };
}

/** Appends an empty page; returns its id. */
export function addSection(def: Definition, title = ''): { def: Definition; id: string } {
	const next = clone(def);
	const id = randomUUID();
	next.sections.push({ id, title, description: '', logic: null, questions: [] });
	return { def: next, id };
}

/** Updates a page's title, description and logic. */
export function updateSection(
	def: Definition,
	id: string,
	patch: Pick<Section, 'title' | 'description' | 'logic'>
): Definition {
	const next = clone(def);
	const s = sectionIndex(next, id);
	next.sections[s] = { ...next.sections[s], ...patch };
	return next;
}

/** Moves a page one place up or down. */
export function moveSection(def: Definition, id: string, dir: 'up' | 'down'): Definition {
	const next = clone(def);
	const s = sectionIndex(next, id);
	const t = dir === 'up' ? s - 1 : s + 1;
	if (t < 0 || t >= next.sections.length)
		throw new EditError(`This is already the ${dir === 'up' ? 'first' : 'last'} page.`);
	[next.sections[s], next.sections[t]] = [next.sections[t], next.sections[s]];
	return next;
}

/** Removes a page with its questions, unless later logic depends on one of them. */
export function deleteSection(def: Definition, id: string): { def: Definition; trash: Trash } {
	const next = clone(def);
	const s = sectionIndex(next, id);
	const inside = new Set(next.sections[s].questions.map((q) => q.id));
	for (const q of inside) {
		const users = dependents(next, q).filter((u) => !inside.has(u.id));
		if (users.length)
			throw new EditError(
				`“${users[0].prompt}” depends on a question on this page: change that rule first.`
			);
	}
	const [section] = next.sections.splice(s, 1);
	return { def: next, trash: { kind: 'section', index: s, section } };
}

/** Puts the last deleted question or page back where it was (or as near as still exists). */
export function restore(def: Definition, trash: Trash): Definition {
	const next = clone(def);
	if (trash.kind === 'section') {
		next.sections.splice(Math.min(trash.index, next.sections.length), 0, trash.section);
		return next;
	}
	let s = next.sections.findIndex((x) => x.id === trash.sectionId);
	if (s < 0) {
		if (next.sections.length === 0)
			next.sections.push({
				id: randomUUID(),
				title: '',
				description: '',
				logic: null,
				questions: []
			});
		s = 0;
	}
	const list = next.sections[s].questions;
	list.splice(Math.min(trash.index, list.length), 0, trash.question);
	return next;
}

/** A copy of a definition with fresh page and question ids (logic follows), for a new survey. */
export function withFreshIds(def: Definition): Definition {
	const map = new Map<string, string>();
	const next = clone(def);
	for (const s of next.sections) {
		s.id = randomUUID();
		for (const q of s.questions) {
			const id = randomUUID();
			map.set(q.id, id);
			q.id = id;
		}
	}
	const relink = (l: Logic | null) =>
		l?.conditions.forEach((c) => (c.question = map.get(c.question) ?? c.question));
	for (const s of next.sections) {
		relink(s.logic);
		for (const q of s.questions) relink(q.logic);
	}
	return next;
}

/** A logic rule with ids mapped the same way as withFreshIds would (for follow-up rules). */
export function relinkLogic(logic: Logic | null, from: Definition, to: Definition): Logic | null {
	if (!logic) return null;
	const a = from.sections.flatMap((s) => s.questions.map((q) => q.id));
	const b = to.sections.flatMap((s) => s.questions.map((q) => q.id));
	const map = new Map(a.map((id, i) => [id, b[i]]));
	return {
		...logic,
		conditions: logic.conditions.map((c) => ({ ...c, question: map.get(c.question) ?? c.question }))
	};
}

/** Human-readable problems of a candidate definition ("Page 2, “Prompt”: message"). */
export function describeIssues(
	input: unknown,
	issues: { path: PropertyKey[]; message: string }[]
): string[] {
	const def = input as Partial<Definition>;
	return issues.map((issue) => {
		const [a, s, b, i] = issue.path;
		if (a === 'sections' && typeof s === 'number') {
			const section = def.sections?.[s];
			const where = `Page ${s + 1}`;
			if (b === 'questions' && typeof i === 'number') {
				const q = section?.questions?.[i];
				const name =
					q && typeof q.prompt === 'string' && q.prompt ? `“${q.prompt}”` : `question ${i + 1}`;
				return `${where}, ${name}: ${issue.message}`;
			}
			return `${where}: ${issue.message}`;
		}
		const field = issue.path.length ? issue.path.join('.') : '';
		return field ? `${field}: ${issue.message}` : issue.message;
	});
}

/** Validates a candidate definition; throws EditError with the first problem described. */
export function validate(candidate: unknown): Definition {
	const parsed = definitionSchema.safeParse(candidate);
	if (!parsed.success) throw new EditError(describeIssues(candidate, parsed.error.issues)[0]);
	return parsed.data;
}
