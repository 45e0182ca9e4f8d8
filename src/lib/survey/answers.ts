/**
 * A respondent's answer to one question, by type:
 * likert, rating, nps, number → number; yesno → boolean; single → option value (or OTHER);
 * multiple → option values (may include OTHER); ranking → option values, best first;
 * matrix → { [statement key]: scale point }; short_text, long_text → string.
 * Free text for "other" is kept apart in `others[lineage]`.
 */
export type AnswerValue = number | boolean | string | string[] | Record<string, number>;

/** Answers by question lineage id. */
export type Answers = Record<string, AnswerValue>;

/** The option value that stands for "other, please say". */
export const OTHER = '_other';

export function isAnswered(value: AnswerValue | undefined | null): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'string') return value.trim() !== '';
	if (Array.isArray(value)) return value.length > 0;
	if (typeof value === 'object') return Object.keys(value).length > 0;
	return true;
}
