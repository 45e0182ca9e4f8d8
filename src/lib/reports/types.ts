// The report: what a digest, the PDF, the XLSX summary and a share link show. Built on the server
// from the results domain (src/lib/server/reports/data.ts); plain data so pages can render it.

export interface ReportWave {
	id: number;
	name: string;
	scheduledFor: Date;
	status: string;
	closedAt: Date | null;
	invited: number;
	responded: number;
	/** responded / invited in percent (0–100); null when nobody was invited */
	responseRate: number | null;
}

/** Whether a topic's change since the previous wave is statistically significant (95%). */
export type Significance = 'significant' | 'not-significant' | 'not-enough' | 'no-previous';

export interface ReportQuestion {
	lineage: string;
	prompt: string;
	type: string;
	/** score (0–100) per wave, in the order of ReportData.waves; null where nobody answered */
	trend: (number | null)[];
	n: (number | null)[];
}

export interface ReportTopic {
	id: number;
	key: string;
	name: string;
	colour: string;
	target: number | null;
	benchmark: number | null;
	benchmarkSource: string | null;
	benchmarkYear: number | null;
	/** the current wave's score, 0–100 */
	score: number | null;
	n: number;
	previous: number | null;
	change: number | null;
	significance: Significance;
	/** score per wave, in the order of ReportData.waves */
	trend: (number | null)[];
	questions: ReportQuestion[];
}

export interface ReportComplaint {
	tag: string;
	count: number;
	previous: number;
	change: number;
}

export interface ReportComment {
	questionPrompt: string;
	lineage: string;
	text: string;
}

export interface ReportData {
	survey: { id: number; title: string };
	generatedAt: Date;
	/** a description of the filters applied, e.g. "Segment: Newsletter" ('' for none) */
	filterSummary: string;
	/** waves in chronological order */
	waves: ReportWave[];
	current: ReportWave | null;
	previous: ReportWave | null;
	topics: ReportTopic[];
	/** up to three topics furthest below target (largest gap first) */
	belowTarget: { topic: ReportTopic; gap: number }[];
	complaints: ReportComplaint[];
	followUps: { open: number; contacted: number; resolved: number };
	nps: number | null;
	/** recent free-text answers of the current wave (text only, never who wrote them) */
	comments: ReportComment[];
}

/** One decimal, or a dash. */
export function fmtScore(v: number | null | undefined): string {
	return v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1);
}

/** A signed change with one decimal ("+2.5", "−1.0"), or a dash. */
export function fmtChange(v: number | null | undefined): string {
	if (v === null || v === undefined || Number.isNaN(v)) return '–';
	const s = Math.abs(v).toFixed(1);
	return v > 0 ? `+${s}` : v < 0 ? `−${s}` : `±${s}`;
}

export function fmtPercent(v: number | null | undefined): string {
	return v === null || v === undefined ? '–' : `${v.toFixed(1)}%`;
}

export const significanceLabel: Record<Significance, string> = {
	significant: 'significant (95%)',
	'not-significant': 'not significant',
	'not-enough': 'not enough responses',
	'no-previous': 'no previous wave'
};

const shortDate = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	timeZone: 'UTC'
});

/** A wave's short label for axes and column headers: its name when short, else its date. */
export function waveLabel(w: Pick<ReportWave, 'name' | 'scheduledFor'>): string {
	return w.name.length <= 14 ? w.name : shortDate.format(w.scheduledFor);
}
