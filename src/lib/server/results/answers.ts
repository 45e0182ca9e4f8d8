import type { Answers } from '$lib/survey/answers';

/** One stored answer row with its question's type (what results read back). */
export interface AnswerRowLite {
	lineage: string;
	type: string;
	item: string;
	value: number | null;
	text: string | null;
}

/**
 * Rebuilds the respondent's answers (by lineage) from answer rows, the inverse of how the
 * respondent side stores them: scales → value, yes/no → boolean, single → option, multiple →
 * options, ranking → options best first, matrix → {statement: point}, text → text.
 */
export function answersFromRows(rows: AnswerRowLite[]): Answers {
	const out: Answers = {};
	const ranks = new Map<string, { item: string; rank: number }[]>();
	for (const row of rows) {
		switch (row.type) {
			case 'likert':
			case 'rating':
			case 'nps':
			case 'number':
				if (row.value !== null) out[row.lineage] = Number(row.value);
				break;
			case 'yesno':
				if (row.value !== null) out[row.lineage] = Number(row.value) === 1;
				break;
			case 'single':
				if (row.item) out[row.lineage] = row.item;
				break;
			case 'multiple': {
				const list = (out[row.lineage] as string[] | undefined) ?? [];
				if (row.item) list.push(row.item);
				out[row.lineage] = list;
				break;
			}
			case 'ranking': {
				const list = ranks.get(row.lineage) ?? [];
				list.push({ item: row.item, rank: Number(row.value ?? 0) });
				ranks.set(row.lineage, list);
				break;
			}
			case 'matrix': {
				const obj = (out[row.lineage] as Record<string, number> | undefined) ?? {};
				if (row.value !== null) obj[row.item] = Number(row.value);
				out[row.lineage] = obj;
				break;
			}
			default:
				if (row.text !== null && row.text !== '') out[row.lineage] = row.text;
		}
	}
	for (const [lineage, list] of ranks)
		out[lineage] = list.sort((a, b) => a.rank - b.rank).map((x) => x.item);
	return out;
}
