/** What every benchmark's run() returns: a time and its same-run baseline. */
export interface BenchResult {
	name: string;
	/** design target id, e.g. P3 */
	target_id?: string;
	measuredMs: number;
	baselineMs: number;
	/** measured / baseline, or for throughput benchmarks measured throughput / baseline throughput */
	ratio: number;
	/** the ratio the design asks for */
	target: number;
	/** 'max' when the ratio must stay at or below the target (time), 'min' when at or above (throughput) */
	direction?: 'max' | 'min';
	pass: boolean;
	/** shown in the table instead of the ratio target when the target is absolute (e.g. '≤ 1000 ms') */
	targetLabel?: string;
	extra?: Record<string, unknown>;
}
