import type { Condition, Definition, Logic, Question, Section } from '$lib/schemas/survey';
import { isAnswered, type AnswerValue, type Answers } from './answers';

/** Whether one condition holds for the answers given so far. Runs in the browser and on the server. */
export function conditionHolds(c: Condition, answers: Answers): boolean {
	let value: AnswerValue | undefined = answers[c.question];
	if (c.item !== undefined && value && typeof value === 'object' && !Array.isArray(value)) {
		value = (value as Record<string, number>)[c.item];
	}
	const answered = isAnswered(value);
	switch (c.op) {
		case 'answered':
			return answered;
		case 'not_answered':
			return !answered;
	}
	if (!answered || value === undefined) return false;
	const values = Array.isArray(value) ? value.map(String) : [String(value)];
	const wanted = Array.isArray(c.value) ? c.value.map(String) : [String(c.value)];
	switch (c.op) {
		case 'equals':
			return values.length === wanted.length && values.every((v) => wanted.includes(v));
		case 'not_equals':
			return !(values.length === wanted.length && values.every((v) => wanted.includes(v)));
		case 'any_of':
			return values.some((v) => wanted.includes(v));
		case 'none_of':
			return !values.some((v) => wanted.includes(v));
	}
	const n = Number(value);
	const m = Number(c.value);
	if (typeof value !== 'number' || Number.isNaN(m)) return false;
	switch (c.op) {
		case 'lt':
			return n < m;
		case 'lte':
			return n <= m;
		case 'gt':
			return n > m;
		case 'gte':
			return n >= m;
	}
	return false;
}

export function logicHolds(logic: Logic | null | undefined, answers: Answers): boolean {
	if (!logic) return true;
	const results = logic.conditions.map((c) => conditionHolds(c, answers));
	return logic.mode === 'any' ? results.some(Boolean) : results.every(Boolean);
}

/**
 * The answers that count: answers to hidden questions (or questions on hidden pages) are dropped,
 * in order, so a question hidden because of a now-hidden question is dropped too.
 */
export function visibleAnswers(def: Pick<Definition, 'sections'>, answers: Answers): Answers {
	const kept: Answers = {};
	for (const section of def.sections) {
		if (!logicHolds(section.logic, kept)) continue;
		for (const q of section.questions) {
			if (logicHolds(q.logic, kept) && answers[q.id] !== undefined) kept[q.id] = answers[q.id];
		}
	}
	return kept;
}

/** Which questions show, given the answers (evaluated in order, like visibleAnswers). */
export function visibleQuestions(def: Pick<Definition, 'sections'>, answers: Answers): Set<string> {
	const kept = visibleAnswers(def, answers);
	const shown = new Set<string>();
	for (const section of def.sections) {
		if (!logicHolds(section.logic, kept)) continue;
		for (const q of section.questions) if (logicHolds(q.logic, kept)) shown.add(q.id);
	}
	return shown;
}

/** Whether a page shows at all, given the answers. */
export function sectionVisible(section: Pick<Section, 'logic'>, answers: Answers): boolean {
	return logicHolds(section.logic, answers);
}

export type { Question };
