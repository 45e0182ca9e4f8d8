import type { Insertable } from 'kysely';
import type { AnswersTable } from '../db/schema';
import type { PublishedVersion } from '../surveys/published';
import { OTHER, type Answers } from '$lib/survey/answers';
import { scoreAnswer } from '$lib/survey/scoring';

// One answer becomes narrow rows SQL can aggregate (design §3):
//   likert, rating, nps, number → item '', value;   yes/no → item '', value 1 | 0
//   matrix → one row per statement: item = key, value = scale point
//   single → item = the chosen option value, value 1 (text = the "other" text)
//   multiple → one row per chosen option, value 1 (text on the "_other" row)
//   ranking → one row per option: item = option value, value = place (1 = best)
//   short/long text → item '', text
// Scored questions carry score 0–100 (scoreAnswer).

export interface StoredAnswer {
	lineage: string;
	item: string;
	value: number | null;
	text: string | null;
}

/** The answers rows of a response (visible answers only; the caller filters). */
export function toRows(
	version: PublishedVersion,
	responseId: number,
	answers: Answers,
	others: Record<string, string>
): Insertable<AnswersTable>[] {
	const rows: Insertable<AnswersTable>[] = [];
	for (const [lineage, v] of Object.entries(answers)) {
		const q = version.questions.get(lineage);
		const questionId = version.questionIds.get(lineage);
		if (!q || questionId === undefined) continue;
		const row = (item: string, value: number | null, text: string | null, option?: string) => {
			const scored = value === null ? null : scoreAnswer(q, value, option);
			rows.push({
				response_id: responseId,
				question_id: questionId,
				lineage,
				item,
				value,
				score: scored?.score ?? null,
				text
			});
		};
		switch (q.type) {
			case 'likert':
			case 'rating':
			case 'nps':
			case 'number':
				row('', v as number, null);
				break;
			case 'yesno':
				row('', v ? 1 : 0, null);
				break;
			case 'matrix':
				for (const [key, point] of Object.entries(v as Record<string, number>))
					row(key, point, null);
				break;
			case 'single':
				row(v as string, 1, v === OTHER ? (others[lineage] ?? null) : null, v as string);
				break;
			case 'multiple':
				for (const o of v as string[]) row(o, 1, o === OTHER ? (others[lineage] ?? null) : null);
				break;
			case 'ranking':
				(v as string[]).forEach((o, i) => row(o, i + 1, null));
				break;
			case 'short_text':
			case 'long_text':
				row('', null, v as string);
		}
	}
	return rows;
}

/** Rebuilds answers (and "other" texts) from stored rows. */
export function fromRows(
	version: PublishedVersion,
	rows: StoredAnswer[]
): { answers: Answers; others: Record<string, string> } {
	const answers: Answers = {};
	const others: Record<string, string> = {};
	const ranked = new Map<string, { item: string; place: number }[]>();
	for (const r of rows) {
		const q = version.questions.get(r.lineage);
		if (!q) continue;
		switch (q.type) {
			case 'likert':
			case 'rating':
			case 'nps':
			case 'number':
				if (r.value !== null) answers[q.id] = r.value;
				break;
			case 'yesno':
				answers[q.id] = r.value === 1;
				break;
			case 'matrix': {
				const cur = (answers[q.id] ?? {}) as Record<string, number>;
				if (r.value !== null) cur[r.item] = r.value;
				answers[q.id] = cur;
				break;
			}
			case 'single':
				answers[q.id] = r.item;
				if (r.text) others[q.id] = r.text;
				break;
			case 'multiple':
				answers[q.id] = [...((answers[q.id] as string[] | undefined) ?? []), r.item];
				if (r.text) others[q.id] = r.text;
				break;
			case 'ranking': {
				const list = ranked.get(q.id) ?? [];
				list.push({ item: r.item, place: r.value ?? 0 });
				ranked.set(q.id, list);
				break;
			}
			default:
				if (r.text !== null) answers[q.id] = r.text;
		}
	}
	for (const [id, list] of ranked)
		answers[id] = list.sort((a, b) => a.place - b.place).map((x) => x.item);
	// keep multiple-choice picks in the order of the options
	for (const q of version.questions.values()) {
		const v = answers[q.id];
		if (q.type === 'multiple' && Array.isArray(v)) {
			const order = [...q.options.map((o) => o.value), OTHER];
			v.sort((a, b) => order.indexOf(a) - order.indexOf(b));
		}
	}
	return { answers, others };
}
