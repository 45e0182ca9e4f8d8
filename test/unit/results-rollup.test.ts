import { describe, expect, it } from 'vitest';
import { summarize, welch, type Sums } from '$lib/results/stats';
import { answersFromRows } from '$lib/server/results/answers';
import { cell } from '$lib/server/results/export';
import { chartCsv } from '$lib/charts/types';
import { questionSpecs } from '$lib/results/specs';

// The rollup arithmetic: sums of disjoint groups add up, so per-wave rollups can be updated one
// response at a time and merged across waves or items without keeping the answers.
const sums = (xs: number[]): Sums => ({
	n: xs.length,
	sum: xs.reduce((a, b) => a + b, 0),
	sumsq: xs.reduce((a, b) => a + b * b, 0)
});
const add = (a: Sums, b: Sums): Sums => ({
	n: a.n + b.n,
	sum: a.sum + b.sum,
	sumsq: a.sumsq + b.sumsq
});

describe('rollup arithmetic', () => {
	it('incremental sums give the same mean, CI and test as the raw answers', () => {
		const answers = [0, 25, 50, 75, 100, 100, 75, 50, 75, 25];
		let running: Sums = { n: 0, sum: 0, sumsq: 0 };
		for (const a of answers) running = add(running, sums([a]));
		expect(summarize(running)).toEqual(summarize(sums(answers)));
		const other = [100, 75, 75, 100, 50];
		expect(welch(running, sums(other))).toEqual(welch(sums(answers), sums(other)));
	});

	it('removing a response (edit or erasure) is the inverse of adding it', () => {
		const base = sums([25, 50, 75]);
		const plus = add(base, sums([100]));
		const minus = { n: plus.n - 1, sum: plus.sum - 100, sumsq: plus.sumsq - 100 * 100 };
		expect(minus).toEqual(base);
	});

	it('answer rows read back as the answers a respondent gave', () => {
		const rows = [
			{ lineage: 'a', type: 'likert', item: '', value: 4, text: null },
			{ lineage: 'b', type: 'yesno', item: '', value: 0, text: null },
			{ lineage: 'c', type: 'multiple', item: 'card', value: 1, text: null },
			{ lineage: 'c', type: 'multiple', item: 'paypal', value: 1, text: null },
			{ lineage: 'd', type: 'ranking', item: 'x', value: 2, text: null },
			{ lineage: 'd', type: 'ranking', item: 'y', value: 1, text: null },
			{ lineage: 'e', type: 'matrix', item: 'speed', value: 5, text: null },
			{ lineage: 'f', type: 'long_text', item: '', value: null, text: 'late' },
			{ lineage: 'g', type: 'single', item: 'b', value: 1, text: null }
		];
		const a = answersFromRows(rows);
		expect(a).toEqual({
			a: 4,
			b: false,
			c: ['card', 'paypal'],
			d: ['y', 'x'],
			e: { speed: 5 },
			f: 'late',
			g: 'b'
		});
		expect([cell(a.b), cell(a.c), cell(a.e, 'speed'), cell(undefined)]).toEqual([
			'no',
			'card;paypal',
			'5',
			''
		]);
	});
});

describe('chart data', () => {
	it('exports the plotted numbers with n and CI as CSV', () => {
		const csv = chartCsv({
			title: 'T',
			type: 'line',
			labels: ['Q1', 'Q2'],
			xLabel: 'Wave',
			yLabel: 'Score',
			series: [
				{
					label: 'Service, "care"',
					colour: '#000',
					data: [50, null],
					n: [10, 0],
					low: [40, null],
					high: [60, null]
				}
			]
		});
		expect(csv).toBe(
			'Wave,"Service, ""care""","Service, ""care"" n","Service, ""care"" 95% CI low","Service, ""care"" 95% CI high"\r\nQ1,50.0,10.0,40.0,60.0\r\nQ2,,0.0,,\r\n'
		);
	});

	it('NPS distributions show a histogram and the promoter/passive/detractor split', () => {
		const specs = questionSpecs({
			question: { type: 'nps', prompt: 'Recommend?', settings: {} },
			waves: [
				{
					wave: { name: 'W1' },
					asked: true,
					responded: 5,
					answered: 4,
					noAnswer: 1,
					buckets: [
						{ item: '', value: 10, n: 2, texts: 0 },
						{ item: '', value: 7, n: 1, texts: 0 },
						{ item: '', value: 3, n: 1, texts: 0 }
					]
				}
			]
		});
		expect(specs.map((s) => s.title)).toEqual([
			'Histogram per wave',
			'Promoters, passives and detractors'
		]);
		expect(specs[1].series.map((s) => s.data[0])).toEqual([25, 25, 50]);
		expect(specs[0].series[0].data[10]).toBe(50);
	});
});
