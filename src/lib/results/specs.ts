import type { ChartSeries, ChartSpec } from '$lib/charts/types';

// Chart specs built from results data (pure; shared by pages and tests).

interface Point {
	n: number;
	mean: number | null;
	ciLow: number | null;
	ciHigh: number | null;
}
interface Topic {
	name: string;
	colour: string;
	target: number | null;
	/** an external benchmark (reporting, issue 11): drawn dotted, labelled with source and year */
	benchmark?: number | null;
	benchmarkSource?: string | null;
	benchmarkYear?: number | null;
	points: Point[];
	current: Point | null;
}

/** "Benchmark (Retail Index, 2025)": what a benchmark line is called in legends and tables. */
export function benchmarkLabel(t: Pick<Topic, 'benchmarkSource' | 'benchmarkYear'>): string {
	const about = [t.benchmarkSource, t.benchmarkYear].filter(
		(x) => x !== null && x !== undefined && x !== ''
	);
	return about.length ? `benchmark (${about.join(', ')})` : 'benchmark';
}

/** Topic scores over waves: one line per topic with 95% CI whiskers and dashed target lines. */
export function trendSpec(
	waveNames: string[],
	topics: Topic[],
	compare?: { label: string; base: string; topics: Topic[] }
): ChartSpec {
	const series: ChartSeries[] = [];
	const line = (t: Topic, suffix: string, dash?: 'dotted'): ChartSeries => ({
		label: `${t.name}${suffix}`,
		colour: t.colour,
		data: t.points.map((p) => p.mean),
		n: t.points.map((p) => p.n),
		low: t.points.map((p) => p.ciLow),
		high: t.points.map((p) => p.ciHigh),
		dash
	});
	topics.forEach((t, i) => {
		series.push(line(t, compare ? ` (${compare.base})` : ''));
		if (compare?.topics[i]) series.push(line(compare.topics[i], ` (${compare.label})`, 'dotted'));
	});
	for (const t of topics)
		if (t.target !== null)
			series.push({
				label: `${t.name} target`,
				colour: t.colour,
				data: waveNames.map(() => t.target),
				dash: 'dashed'
			});
	for (const t of topics)
		if (t.benchmark !== null && t.benchmark !== undefined)
			series.push({
				label: `${t.name} ${benchmarkLabel(t)}`,
				colour: t.colour,
				data: waveNames.map(() => t.benchmark ?? null),
				dash: 'dotted'
			});
	return {
		title: 'Topic scores over waves',
		type: 'line',
		labels: waveNames,
		series,
		xLabel: 'Wave',
		yLabel: 'Score (0–100)',
		yMin: 0,
		yMax: 100
	};
}

/** Topics ranked by their score in one wave, against their targets. */
export function rankingSpec(
	waveName: string,
	topics: Topic[],
	compare?: { label: string; base: string; topics: Topic[] }
): ChartSpec {
	const order = topics
		.map((t, i) => ({ t, i }))
		.sort((a, b) => (b.t.current?.mean ?? -1) - (a.t.current?.mean ?? -1));
	const series: ChartSeries[] = [
		{
			label: compare ? `Score (${compare.base})` : 'Score',
			colour: '#1d4ed8',
			colours: order.map(({ t }) => t.colour),
			data: order.map(({ t }) => t.current?.mean ?? null),
			n: order.map(({ t }) => t.current?.n ?? 0),
			low: order.map(({ t }) => t.current?.ciLow ?? null),
			high: order.map(({ t }) => t.current?.ciHigh ?? null)
		}
	];
	if (compare)
		series.push({
			label: `Score (${compare.label})`,
			colour: '#6b7280',
			data: order.map(({ i }) => compare.topics[i]?.current?.mean ?? null),
			n: order.map(({ i }) => compare.topics[i]?.current?.n ?? 0),
			low: order.map(({ i }) => compare.topics[i]?.current?.ciLow ?? null),
			high: order.map(({ i }) => compare.topics[i]?.current?.ciHigh ?? null)
		});
	series.push({
		label: 'Target',
		colour: '#111827',
		data: order.map(({ t }) => t.target),
		line: true,
		dash: 'dashed'
	});
	if (topics.some((t) => t.benchmark !== null && t.benchmark !== undefined))
		series.push({
			label: 'External benchmark',
			colour: '#b91c1c',
			data: order.map(({ t }) => t.benchmark ?? null),
			line: true,
			dash: 'dotted'
		});
	return {
		title: `Topics ranked — ${waveName}`,
		type: 'bar',
		labels: order.map(({ t }) => t.name),
		series,
		xLabel: 'Topic',
		yLabel: 'Score (0–100)',
		yMin: 0,
		yMax: 100
	};
}

interface QWave {
	wave: { name: string };
	asked: boolean;
	responded: number;
	answered: number;
	noAnswer: number;
	buckets: { item: string; value: number | null; n: number; texts: number }[];
}
interface QDetail {
	question: { type: string; prompt: string; settings: Record<string, unknown> };
	waves: QWave[];
}

const SCALE = ['#b91c1c', '#ea580c', '#a3a3a3', '#65a30d', '#15803d', '#166534', '#14532d'];
const WAVES = ['#1d4ed8', '#7c3aed', '#0891b2', '#b45309', '#db2777', '#15803d', '#4b5563'];

function share(n: number, of: number): number | null {
	return of > 0 ? (n / of) * 100 : null;
}

/** Distribution charts of one question, by type (see the results issue's drill-down). */
export function questionSpecs(d: QDetail): ChartSpec[] {
	const q = d.question;
	const waves = d.waves.filter((w) => w.asked || w.answered > 0);
	const names = waves.map((w) => w.wave.name);
	const count = (w: QWave, item: string | null, value: number | null) =>
		w.buckets
			.filter((b) => (item === null || b.item === item) && (value === null || b.value === value))
			.reduce((a, b) => a + b.n, 0);
	const noAnswer: ChartSeries = {
		label: 'No answer',
		colour: '#d1d5db',
		data: waves.map((w) => share(w.noAnswer, w.responded)),
		n: waves.map((w) => w.noAnswer)
	};
	switch (q.type) {
		case 'likert': {
			const labels = (q.settings.labels as string[]) ?? [];
			return [
				{
					title: 'Answers per wave',
					type: 'bar',
					stacked: true,
					labels: names,
					unit: '%',
					xLabel: 'Wave',
					yLabel: 'Share of respondents (%)',
					yMin: 0,
					yMax: 100,
					series: [
						...labels.map((l, i) => ({
							label: l,
							colour: SCALE[Math.round((i / Math.max(1, labels.length - 1)) * 4)],
							data: waves.map((w) => share(count(w, null, i + 1), w.responded)),
							n: waves.map((w) => count(w, null, i + 1))
						})),
						noAnswer
					]
				}
			];
		}
		case 'matrix': {
			const labels = (q.settings.labels as string[]) ?? [];
			const items = (q.settings.items as { key: string; label: string }[]) ?? [];
			return items.map((it) => ({
				title: `${it.label}: answers per wave`,
				type: 'bar' as const,
				stacked: true,
				labels: names,
				unit: '%',
				xLabel: 'Wave',
				yLabel: 'Share of respondents (%)',
				yMin: 0,
				yMax: 100,
				series: labels.map((l, i) => ({
					label: l,
					colour: SCALE[Math.round((i / Math.max(1, labels.length - 1)) * 4)],
					data: waves.map((w) => share(count(w, it.key, i + 1), w.responded)),
					n: waves.map((w) => count(w, it.key, i + 1))
				}))
			}));
		}
		case 'nps':
		case 'rating':
		case 'number': {
			const values = [
				...new Set(waves.flatMap((w) => w.buckets.map((b) => b.value)).filter((v) => v !== null))
			].sort((a, b) => (a as number) - (b as number)) as number[];
			const range =
				q.type === 'nps'
					? Array.from({ length: 11 }, (_, i) => i)
					: q.type === 'rating'
						? Array.from({ length: Number(q.settings.max ?? 10) }, (_, i) => i + 1)
						: values;
			const specs: ChartSpec[] = [
				{
					title: 'Histogram per wave',
					type: 'bar',
					labels: range.map(String),
					unit: '%',
					xLabel: q.type === 'nps' ? 'Likelihood to recommend (0–10)' : 'Answer',
					yLabel: 'Share of answers (%)',
					yMin: 0,
					series: waves.map((w, wi) => ({
						label: w.wave.name,
						colour: WAVES[wi % WAVES.length],
						colours:
							q.type === 'nps' && waves.length === 1
								? range.map((v) => (v >= 9 ? '#15803d' : v >= 7 ? '#a16207' : '#b91c1c'))
								: undefined,
						data: range.map((v) => share(count(w, null, v), w.answered)),
						n: range.map((v) => count(w, null, v))
					}))
				}
			];
			if (q.type === 'nps') {
				const group = (w: QWave, lo: number, hi: number) =>
					w.buckets
						.filter((b) => b.value !== null && b.value >= lo && b.value <= hi)
						.reduce((a, b) => a + b.n, 0);
				specs.push({
					title: 'Promoters, passives and detractors',
					type: 'bar',
					stacked: true,
					labels: names,
					unit: '%',
					xLabel: 'Wave',
					yLabel: 'Share of answers (%)',
					yMin: 0,
					yMax: 100,
					series: [
						{ label: 'Detractors (0–6)', colour: '#b91c1c', lo: 0, hi: 6 },
						{ label: 'Passives (7–8)', colour: '#a16207', lo: 7, hi: 8 },
						{ label: 'Promoters (9–10)', colour: '#15803d', lo: 9, hi: 10 }
					].map((g) => ({
						label: g.label,
						colour: g.colour,
						data: waves.map((w) => share(group(w, g.lo, g.hi), w.answered)),
						n: waves.map((w) => group(w, g.lo, g.hi))
					}))
				});
			}
			return specs;
		}
		case 'yesno':
			return [
				{
					title: 'Answers per wave',
					type: 'bar',
					stacked: true,
					labels: names,
					unit: '%',
					xLabel: 'Wave',
					yLabel: 'Share of respondents (%)',
					yMin: 0,
					yMax: 100,
					series: [
						{
							label: String(q.settings.yesLabel ?? 'Yes'),
							colour: '#15803d',
							data: waves.map((w) => share(count(w, null, 1), w.responded)),
							n: waves.map((w) => count(w, null, 1))
						},
						{
							label: String(q.settings.noLabel ?? 'No'),
							colour: '#b91c1c',
							data: waves.map((w) => share(count(w, null, 0), w.responded)),
							n: waves.map((w) => count(w, null, 0))
						},
						noAnswer
					]
				}
			];
		case 'single':
		case 'multiple':
		case 'ranking': {
			const options = ((q.settings.options as { value: string; label: string }[]) ?? []).slice();
			for (const w of waves)
				for (const b of w.buckets)
					if (b.item && !options.some((o) => o.value === b.item))
						options.push({ value: b.item, label: b.item === '_other' ? 'Other' : b.item });
			if (q.type === 'ranking')
				return [
					{
						title: 'Average rank per option (1 = best)',
						type: 'bar',
						labels: options.map((o) => o.label),
						xLabel: 'Option',
						yLabel: 'Average rank',
						yMin: 0,
						series: waves.map((w, wi) => ({
							label: w.wave.name,
							colour: WAVES[wi % WAVES.length],
							data: options.map((o) => {
								const mine = w.buckets.filter((b) => b.item === o.value && b.value !== null);
								const n = mine.reduce((a, b) => a + b.n, 0);
								return n ? mine.reduce((a, b) => a + (b.value as number) * b.n, 0) / n : null;
							}),
							n: options.map((o) => count(w, o.value, null))
						}))
					}
				];
			return [
				{
					title: 'Respondents choosing each option',
					type: 'bar',
					labels: options.map((o) => o.label),
					unit: '%',
					xLabel: 'Option',
					yLabel: 'Share of respondents (%)',
					yMin: 0,
					series: waves.map((w, wi) => ({
						label: w.wave.name,
						colour: WAVES[wi % WAVES.length],
						data: options.map((o) => share(count(w, o.value, null), w.responded)),
						n: options.map((o) => count(w, o.value, null))
					}))
				}
			];
		}
		default:
			return [
				{
					title: 'Written answers per wave',
					type: 'bar',
					labels: names,
					xLabel: 'Wave',
					yLabel: 'Answers',
					yMin: 0,
					series: [
						{
							label: 'Answers with text',
							colour: '#1d4ed8',
							data: waves.map((w) => w.buckets.reduce((a, b) => a + b.texts, 0)),
							n: waves.map((w) => w.answered)
						}
					]
				}
			];
	}
}
