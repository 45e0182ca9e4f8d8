import type { DbOrTrx } from '../db';
import * as results from '../results';
import type { ReportComplaint } from '$lib/reports/types';

/** The top tagged complaints of one wave with their change since the wave before (from results). */
export async function complaints(
	db: DbOrTrx,
	input: { surveyId: number; waveId: number; previousWaveId: number | null; limit?: number }
): Promise<ReportComplaint[]> {
	const top = await results.comments.topComplaints(db, input.surveyId, {
		to: input.waveId,
		limit: input.limit ?? 10
	});
	// results ranks the newest wave that has tags; a wave without any has no complaints to report
	if (top.wave?.id !== input.waveId) return [];
	return top.items.map((c) => ({
		tag: c.name,
		count: c.count,
		previous: c.previous ?? 0,
		change: c.change ?? c.count
	}));
}
