import type { Question } from '$lib/schemas/survey';

export interface Scored {
	/** 0–100 */
	score: number;
	/** in the top two boxes of the scale (or yes, or a promoter) */
	top2: boolean;
}

/**
 * Maps one numeric answer of a scored question to 0–100 (design §3): Likert 1–5 → 0, 25, 50, 75,
 * 100; rating 1–max likewise; NPS 0–10 → ×10; yes → 100, no → 0 (value 1/0); single choice → the
 * option's score. Returns null when the question is not scored or the value is out of range.
 */
export function scoreAnswer(q: Question, value: number, option?: string): Scored | null {
	if (!q.scored) return null;
	switch (q.type) {
		case 'likert':
		case 'matrix':
			return scale(value, 1, q.points);
		case 'rating':
			return scale(value, 1, q.max);
		case 'nps':
			if (!Number.isInteger(value) || value < 0 || value > 10) return null;
			return { score: value * 10, top2: value >= 9 };
		case 'yesno':
			if (value !== 0 && value !== 1) return null;
			return { score: value * 100, top2: value === 1 };
		case 'single': {
			const o = q.options.find((x) => x.value === option);
			if (!o || o.score === undefined) return null;
			return { score: o.score, top2: o.score >= 75 };
		}
		default:
			return null;
	}
}

function scale(value: number, min: number, max: number): Scored | null {
	if (!Number.isInteger(value) || value < min || value > max) return null;
	const score = Math.round(((value - min) / (max - min)) * 10_000) / 100;
	return { score, top2: value >= max - 1 };
}

export type NpsGroup = 'promoter' | 'passive' | 'detractor';

export function npsGroup(value: number): NpsGroup {
	return value >= 9 ? 'promoter' : value >= 7 ? 'passive' : 'detractor';
}

/** Net Promoter Score (−100…100) from 0–10 answers; null with no answers. */
export function nps(values: number[]): number | null {
	if (values.length === 0) return null;
	let promoters = 0;
	let detractors = 0;
	for (const v of values) {
		if (v >= 9) promoters++;
		else if (v <= 6) detractors++;
	}
	return Math.round(((promoters - detractors) / values.length) * 1000) / 10;
}
