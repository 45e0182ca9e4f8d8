import { describe, expect, it } from 'vitest';
import {
	change,
	summarize,
	tCritical,
	tTwoSidedP,
	twoProportion,
	welch,
	type Sums
} from '$lib/results/stats';
import { nps, npsGroup, scoreAnswer } from '$lib/survey/scoring';
import { questionSchema } from '$lib/schemas/survey';

const sums = (xs: number[]): Sums => ({
	n: xs.length,
	sum: xs.reduce((a, b) => a + b, 0),
	sumsq: xs.reduce((a, b) => a + b * b, 0)
});

// Reference values computed with scipy 1.17 (stats.ttest_ind(equal_var=False), stats.t.ppf).
describe('statistics from sums', () => {
	it('mean and 95% CI of 1, 2, 3, 4 use the t distribution (df 3)', () => {
		const s = summarize(sums([1, 2, 3, 4]));
		expect(s.mean).toBe(2.5);
		expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
		const half = 3.1824463052837078 * (Math.sqrt(5 / 3) / 2);
		expect(s.ciLow).toBeCloseTo(2.5 - half, 6);
		expect(s.ciHigh).toBeCloseTo(2.5 + half, 6);
	});

	it('no CI below two observations, nothing for none', () => {
		expect(summarize(sums([70]))).toMatchObject({ n: 1, mean: 70, ciLow: null });
		expect(summarize(sums([]))).toMatchObject({ n: 0, mean: null });
	});

	it('t critical values match the tables', () => {
		expect(tCritical(3)).toBeCloseTo(3.1824463, 5);
		expect(tCritical(10)).toBeCloseTo(2.2281389, 5);
		expect(tCritical(29)).toBeCloseTo(2.0452296, 5);
		expect(tCritical(1e6)).toBeCloseTo(1.959966, 4);
		expect(tTwoSidedP(2.0, 7.5)).toBeCloseTo(0.082897, 5);
	});

	it("Welch's t-test matches scipy", () => {
		const r = welch(sums([1, 2, 3, 4, 5]), sums([2, 4, 6, 8, 10]))!;
		expect(r.statistic).toBeCloseTo(1.8973665961, 9);
		expect(r.df).toBeCloseTo(5.882352941, 8);
		expect(r.p).toBeCloseTo(0.1075311949, 6);
		expect(r.significant).toBe(false);
		const r2 = welch(
			sums([50, 75, 100, 25, 75, 100, 50, 75]),
			sums([75, 100, 100, 75, 100, 50, 100, 75, 100])
		)!;
		expect(r2.statistic).toBeCloseTo(1.5824958369, 8);
		expect(r2.df).toBeCloseTo(12.393075235, 7);
		expect(r2.p).toBeCloseTo(0.138709844, 6);
	});

	it('the two-proportion z-test matches a hand computation', () => {
		const r = twoProportion(45, 100, 60, 100)!;
		expect(r.statistic).toBeCloseTo(2.1239769762, 8);
		expect(r.p).toBeCloseTo(0.0336720689, 6);
		expect(r.significant).toBe(true);
		expect(twoProportion(0, 0, 1, 2)).toBeNull();
	});

	it('a change is only tested with enough responses on both sides', () => {
		const a = { ...sums(Array.from({ length: 40 }, (_, i) => (i % 2 ? 50 : 75))), top2: 20 };
		const b = { ...sums(Array.from({ length: 40 }, (_, i) => (i % 2 ? 75 : 100))), top2: 40 };
		const c = change(a, b);
		expect(c).toMatchObject({ delta: 25, direction: 'up', enough: true, significant: true });
		expect(c.top2Delta).toBe(50);
		expect(c.top2Significant).toBe(true);
		const small = change({ ...sums([50, 75]), top2: 1 }, { ...sums([75, 100]), top2: 2 });
		expect(small).toMatchObject({ delta: 25, enough: false, significant: false });
		expect(change(null, b)).toMatchObject({ delta: null, enough: false });
	});
});

describe('scoring and NPS', () => {
	const likert = questionSchema.parse({
		id: '00000000-0000-4000-8000-000000000001',
		type: 'likert',
		prompt: 'Fair prices',
		points: 5,
		labels: ['1', '2', '3', '4', '5'],
		scored: true
	});
	const rating = questionSchema.parse({
		id: '00000000-0000-4000-8000-000000000002',
		type: 'rating',
		prompt: 'Rate us',
		max: 10,
		scored: true
	});

	it('maps Likert 1–5 to 0, 25, 50, 75, 100 with top-2-box 4 and 5', () => {
		expect([1, 2, 3, 4, 5].map((v) => scoreAnswer(likert, v))).toEqual([
			{ score: 0, top2: false },
			{ score: 25, top2: false },
			{ score: 50, top2: false },
			{ score: 75, top2: true },
			{ score: 100, top2: true }
		]);
		expect(scoreAnswer(rating, 8)).toEqual({ score: 77.78, top2: false });
		expect(scoreAnswer(rating, 9)?.top2).toBe(true);
	});

	it('NPS: 3 promoters, 2 passives, 5 detractors of 10 → −20', () => {
		expect(nps([10, 9, 9, 8, 7, 6, 5, 3, 0, 1])).toBe(-20);
		expect(nps([])).toBeNull();
		expect([9, 7, 6].map(npsGroup)).toEqual(['promoter', 'passive', 'detractor']);
	});
});
