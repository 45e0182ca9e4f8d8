// Loaded lazily by Chart.svelte: only pages with charts download chart.js, and only the parts
// registered here (tree-shaken). chart.js needs no eval, so it runs under the strict CSP.
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
	type ChartConfiguration,
	type Plugin
} from 'chart.js';
import { fmt, type ChartSpec } from './types';

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Legend,
	Tooltip
);

interface ErrorBarMeta {
	low?: (number | null)[];
	high?: (number | null)[];
}

/** Draws 95% CI whiskers for datasets that carry low/high arrays. */
const errorBars: Plugin = {
	id: 'soundingsErrorBars',
	afterDatasetsDraw(chart) {
		const { ctx } = chart;
		const y = chart.scales.y;
		chart.data.datasets.forEach((ds, di) => {
			const meta = chart.getDatasetMeta(di);
			const bars = ds as unknown as ErrorBarMeta;
			if (!bars.low || !bars.high || meta.hidden || !chart.isDatasetVisible(di)) return;
			ctx.save();
			ctx.strokeStyle = String(ds.borderColor ?? '#333');
			ctx.lineWidth = 1.5;
			meta.data.forEach((el, i) => {
				const lo = bars.low![i];
				const hi = bars.high![i];
				if (lo === null || hi === null || lo === undefined || hi === undefined) return;
				const x = el.x;
				const y1 = y.getPixelForValue(Math.max(lo, y.min));
				const y2 = y.getPixelForValue(Math.min(hi, y.max));
				ctx.beginPath();
				ctx.moveTo(x, y1);
				ctx.lineTo(x, y2);
				ctx.moveTo(x - 4, y1);
				ctx.lineTo(x + 4, y1);
				ctx.moveTo(x - 4, y2);
				ctx.lineTo(x + 4, y2);
				ctx.stroke();
			});
			ctx.restore();
		});
	}
};

/** White background so exported PNGs are readable. */
const background: Plugin = {
	id: 'soundingsBackground',
	beforeDraw(chart) {
		const { ctx } = chart;
		ctx.save();
		ctx.globalCompositeOperation = 'destination-over';
		ctx.fillStyle = '#ffffff';
		ctx.fillRect(0, 0, chart.width, chart.height);
		ctx.restore();
	}
};

function config(spec: ChartSpec): ChartConfiguration {
	const unit = spec.unit ?? '';
	return {
		type: spec.type,
		data: {
			labels: spec.labels,
			datasets: spec.series.map((s) => ({
				type: s.line ? 'line' : spec.type,
				label: s.label,
				data: s.data,
				borderColor: s.colour,
				backgroundColor: s.colours ?? (spec.type === 'bar' && !s.line ? s.colour : s.colour + '33'),
				borderWidth: s.line || spec.type === 'line' ? 2 : 0,
				borderDash: s.dash === 'dashed' ? [6, 4] : s.dash === 'dotted' ? [2, 3] : [],
				pointRadius: s.dash === 'dashed' ? 0 : 3,
				spanGaps: true,
				fill: false,
				low: s.low,
				high: s.high,
				n: s.n,
				stack: spec.stacked ? 'stack' : undefined
			})) as never
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			interaction: { mode: 'nearest', intersect: false },
			scales: {
				x: {
					stacked: spec.stacked,
					title: { display: true, text: spec.xLabel }
				},
				y: {
					stacked: spec.stacked,
					min: spec.yMin,
					max: spec.yMax,
					title: { display: true, text: spec.yLabel }
				}
			},
			plugins: {
				legend: { display: true, position: 'bottom' },
				tooltip: {
					callbacks: {
						label(item) {
							const ds = item.dataset as unknown as ErrorBarMeta & {
								n?: (number | null)[];
								label: string;
							};
							const i = item.dataIndex;
							let text = `${ds.label}: ${fmt(item.parsed.y as number)}${unit}`;
							const n = ds.n?.[i];
							if (n !== undefined && n !== null) text += ` (n = ${n})`;
							const lo = ds.low?.[i];
							const hi = ds.high?.[i];
							if (lo !== undefined && lo !== null && hi !== undefined && hi !== null)
								text += `, 95% CI ${fmt(lo)}–${fmt(hi)}`;
							return text;
						}
					}
				}
			}
		},
		plugins: [errorBars, background]
	};
}

/** Draws a chart on a canvas; returns a function that destroys it. */
export function render(canvas: HTMLCanvasElement, spec: ChartSpec): () => void {
	const chart = new Chart(canvas, config(spec));
	return () => chart.destroy();
}
