import type { Definition } from '$lib/schemas/survey';
import type { Answers } from './answers';
import { visibleQuestions } from './logic';

/** Indices of the pages that show, given the answers (a page shows when any question on it does). */
export function visibleSections(def: Pick<Definition, 'sections'>, answers: Answers): number[] {
	const shown = visibleQuestions(def, answers);
	const out: number[] = [];
	def.sections.forEach((s, i) => {
		if (s.questions.some((q) => shown.has(q.id))) out.push(i);
	});
	return out;
}

/** The next page after `index` that shows, or null when `index` is the last one. */
export function nextSection(
	def: Pick<Definition, 'sections'>,
	answers: Answers,
	index: number
): number | null {
	return visibleSections(def, answers).find((i) => i > index) ?? null;
}

/** The page before `index` that shows, or null on the first page. */
export function previousSection(
	def: Pick<Definition, 'sections'>,
	answers: Answers,
	index: number
): number | null {
	const before = visibleSections(def, answers).filter((i) => i < index);
	return before.length ? before[before.length - 1] : null;
}

/** "Page n of m" for a page, counting only pages that show. */
export function progress(
	def: Pick<Definition, 'sections'>,
	answers: Answers,
	index: number
): { page: number; pages: number } {
	const list = visibleSections(def, answers);
	const page = list.filter((i) => i <= index).length;
	return { page: Math.max(page, 1), pages: Math.max(list.length, page, 1) };
}
