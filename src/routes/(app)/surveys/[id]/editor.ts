import type { Definition, Logic, Question } from '$lib/schemas/survey';
import { OPERATOR_LABELS, TYPE_LABELS, conditionValueText } from '$lib/schemas/authoring';

/** A question (or matrix statement) that a logic condition can refer to. */
export interface Candidate {
	/** lineage, or lineage::item for a matrix statement */
	value: string;
	label: string;
}

const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function hint(q: Question): string {
	switch (q.type) {
		case 'yesno':
			return ' (yes/no)';
		case 'single':
		case 'multiple':
		case 'ranking':
			return ` (${q.options.map((o) => o.value).join(', ')})`;
		case 'likert':
			return ` (1–${q.points})`;
		case 'rating':
			return ` (1–${q.max})`;
		case 'nps':
			return ' (0–10)';
		default:
			return '';
	}
}

/** Logic candidates for a list of questions, numbered as in the editor. */
export function candidates(questions: Question[], numbers: Map<string, number>): Candidate[] {
	return questions.flatMap((q) => {
		const n = numbers.get(q.id) ?? 0;
		const base = `Q${n}. ${short(q.prompt)}`;
		if (q.type === 'matrix')
			return q.items.map((it) => ({
				value: `${q.id}::${it.key}`,
				label: `${base} — ${short(it.label, 30)} (1–${q.points})`
			}));
		return [{ value: q.id, label: `${base}${hint(q)}` }];
	});
}

/** Question numbers (1-based, across pages) by lineage. */
export function numbering(def: Pick<Definition, 'sections'>): Map<string, number> {
	const out = new Map<string, number>();
	let n = 0;
	for (const s of def.sections) for (const q of s.questions) out.set(q.id, ++n);
	return out;
}

/** "Q3 is no and Q5 is at most 2" */
export function describeLogic(logic: Logic | null, numbers: Map<string, number>): string {
	if (!logic) return '';
	return logic.conditions
		.map((c) => {
			const n = numbers.get(c.question);
			const who = n ? `Q${n}${c.item ? ` (${c.item})` : ''}` : 'a missing question';
			const value = c.value === undefined ? '' : ` ${conditionValueText(c.value)}`;
			return `${who} ${OPERATOR_LABELS[c.op]}${value}`;
		})
		.join(logic.mode === 'any' ? ' or ' : ' and ');
}

export { TYPE_LABELS };
