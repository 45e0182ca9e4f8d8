import type { Question } from '$lib/schemas/survey';
import { OTHER, type Answers } from './answers';

// How answers travel in a plain HTML form (no JavaScript needed), shared by the respondent
// components, the browser (live logic, drafts) and the server (parsing a posted page):
//   q.<lineage>               one value (scale, yes/no "yes"|"no", single, number, text);
//                             repeated for multiple choice
//   q.<lineage>.<key>         a matrix statement's scale point
//   q.<lineage>.rank<n>       the option ranked n-th (1 = best)
//   q.<lineage>.other         the free text of "other"

/** The form field name of a question (optionally one of its parts). */
export function fieldName(lineage: string, part?: string): string {
	return part === undefined ? `q.${lineage}` : `q.${lineage}.${part}`;
}

/** A DOM id derived from a field name (ids must not contain spaces; dots are fine). */
export function fieldId(lineage: string, part?: string): string {
	return `f-${lineage}${part === undefined ? '' : `-${part}`}`;
}

export interface ReadPage {
	/** raw answers by lineage, converted to the AnswerValue shape where the input allows */
	answers: Record<string, unknown>;
	/** "other" free text by lineage */
	others: Record<string, string>;
	/** q.* fields that belong to none of the questions (a tampered or stale form) */
	unknown: string[];
}

const numeric = (s: string): number | string => {
	const t = s.trim().replace(',', '.');
	if (t === '') return s;
	const n = Number(t);
	return Number.isFinite(n) ? n : s;
};

/** Reads the q.* fields of a posted page for the given questions. Never throws. */
export function readPage(questions: Question[], entries: Iterable<[string, unknown]>): ReadPage {
	const byId = new Map(questions.map((q) => [q.id, q]));
	const answers: Record<string, unknown> = {};
	const others: Record<string, string> = {};
	const unknown: string[] = [];
	const ranks = new Map<string, string[]>();
	for (const [key, raw] of entries) {
		if (!key.startsWith('q.')) continue;
		const value = typeof raw === 'string' ? raw : '';
		const rest = key.slice(2);
		const dot = rest.indexOf('.');
		const id = dot < 0 ? rest : rest.slice(0, dot);
		const part = dot < 0 ? undefined : rest.slice(dot + 1);
		const q = byId.get(id);
		if (!q) {
			unknown.push(key);
			continue;
		}
		if (part === 'other' && (q.type === 'single' || q.type === 'multiple') && q.other) {
			if (value.trim() !== '') others[id] = value.trim();
			continue;
		}
		if (q.type === 'matrix' && part !== undefined) {
			if (!q.items.some((i) => i.key === part)) {
				unknown.push(key);
				continue;
			}
			if (value === '') continue;
			const cur = (answers[id] ?? {}) as Record<string, unknown>;
			cur[part] = numeric(value);
			answers[id] = cur;
			continue;
		}
		if (q.type === 'ranking' && part !== undefined) {
			const n = /^rank(\d{1,2})$/.exec(part);
			if (!n || Number(n[1]) < 1 || Number(n[1]) > q.options.length) {
				unknown.push(key);
				continue;
			}
			const list = ranks.get(id) ?? Array<string>(q.options.length).fill('');
			list[Number(n[1]) - 1] = value;
			ranks.set(id, list);
			continue;
		}
		if (part !== undefined || q.type === 'matrix' || q.type === 'ranking') {
			unknown.push(key);
			continue;
		}
		switch (q.type) {
			case 'multiple': {
				const list = (answers[id] ?? []) as unknown[];
				if (value !== '') list.push(value);
				answers[id] = list;
				break;
			}
			case 'likert':
			case 'rating':
			case 'nps':
			case 'number':
				if (value.trim() !== '') answers[id] = numeric(value);
				break;
			case 'yesno':
				if (value !== '') answers[id] = value === 'yes' ? true : value === 'no' ? false : value;
				break;
			default:
				if (value.trim() !== '') answers[id] = q.type === 'long_text' ? value : value.trim();
		}
	}
	for (const [id, list] of ranks) {
		if (list.some((v) => v !== '')) answers[id] = list;
	}
	for (const [id, list] of Object.entries(answers)) {
		if (Array.isArray(list) && list.length === 0) delete answers[id];
	}
	return { answers, others, unknown };
}

/** Turns answers back into form entries (for drafts kept in the browser). */
export function toEntries(questions: Question[], answers: Answers, others: Record<string, string>) {
	const out: [string, string][] = [];
	for (const q of questions) {
		const v = answers[q.id];
		if (v !== undefined) {
			if (q.type === 'matrix' && typeof v === 'object' && !Array.isArray(v)) {
				for (const [k, n] of Object.entries(v)) out.push([fieldName(q.id, k), String(n)]);
			} else if (q.type === 'ranking' && Array.isArray(v)) {
				v.forEach((o, i) => out.push([fieldName(q.id, `rank${i + 1}`), o]));
			} else if (Array.isArray(v)) {
				for (const o of v) out.push([fieldName(q.id), o]);
			} else if (typeof v === 'boolean') {
				out.push([fieldName(q.id), v ? 'yes' : 'no']);
			} else out.push([fieldName(q.id), String(v)]);
		}
		if (others[q.id]) out.push([fieldName(q.id, 'other'), others[q.id]]);
	}
	return out;
}

export { OTHER };
