/** One plotted series: values per label, with n and optional 95% CI per point. */
export interface ChartSeries {
	label: string;
	colour: string;
	data: (number | null)[];
	n?: (number | null)[];
	low?: (number | null)[];
	high?: (number | null)[];
	/** dashed line (targets) or dotted (a compared segment) */
	dash?: 'dashed' | 'dotted';
	/** draw as a line inside a bar chart (e.g. targets) */
	line?: boolean;
	/** a colour per bar (e.g. NPS groups) */
	colours?: string[];
}

export interface ChartSpec {
	title: string;
	type: 'line' | 'bar';
	labels: string[];
	series: ChartSeries[];
	xLabel: string;
	yLabel: string;
	yMin?: number;
	yMax?: number;
	stacked?: boolean;
	/** how values read in tooltips and the table, e.g. '%' */
	unit?: string;
}

/** The plotted numbers as CSV (label, then value, n, CI low/high per series). */
export function chartCsv(spec: ChartSpec): string {
	const esc = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
	const header = [spec.xLabel];
	for (const s of spec.series) {
		header.push(s.label);
		if (s.n) header.push(`${s.label} n`);
		if (s.low) header.push(`${s.label} 95% CI low`, `${s.label} 95% CI high`);
	}
	const lines = [header.map(esc).join(',')];
	spec.labels.forEach((label, i) => {
		const row = [label];
		for (const s of spec.series) {
			row.push(fmt(s.data[i]));
			if (s.n) row.push(fmt(s.n[i]));
			if (s.low) row.push(fmt(s.low[i]), fmt(s.high?.[i]));
		}
		lines.push(row.map(esc).join(','));
	});
	return lines.join('\r\n') + '\r\n';
}

/** A number as shown in tables and CSV (one decimal; empty for no data). */
export function fmt(v: number | null | undefined, digits = 1): string {
	if (v === null || v === undefined || !Number.isFinite(v)) return '';
	return (Math.round(v * 10 ** digits) / 10 ** digits).toFixed(digits);
}

/** A file name from a chart title. */
export function slug(title: string): string {
	return (
		title
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-|-$/g, '')
			.slice(0, 60) || 'chart'
	);
}
