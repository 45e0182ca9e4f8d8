import type { DbOrTrx } from '../db';
import * as segments from '../segments';
import type { Filters } from '$lib/schemas/results';
import { dashboard, inRange, topicSeries, type Dashboard, type TopicSeries } from './dashboard';
import { UnknownSegmentError } from './filters';
import { topComplaints, type Complaint } from './comments';
import type { WaveRef } from './dashboard';

export interface DashboardView extends Dashboard {
	filters: Filters;
	problems: string[];
	segments: { id: number; name: string }[];
	/** the label of the filtered respondents (a segment name or "all respondents") */
	baseLabel: string;
	compare: { label: string; topics: TopicSeries[] } | null;
	complaints: { wave: WaveRef | null; previous: WaveRef | null; items: Complaint[] };
}

/** Everything the topic dashboard shows, for the URL's filters (bad filters are dropped). */
export async function dashboardView(
	db: DbOrTrx,
	surveyId: number,
	input: Filters,
	problems: string[] = []
): Promise<DashboardView> {
	const filters = { ...input };
	const segs = (await segments.list(db)).map((s) => ({ id: s.id, name: s.name }));
	const segName = (id: number) => segs.find((s) => s.id === id)?.name;
	if (filters.segment !== undefined && !segName(filters.segment)) {
		problems.push(new UnknownSegmentError().message);
		delete filters.segment;
	}
	if (filters.compare !== undefined && !segName(filters.compare)) {
		problems.push('The segment to compare with no longer exists: compare mode is off.');
		delete filters.compare;
	}
	const d = await dashboard(db, surveyId, filters);
	let compare: DashboardView['compare'] = null;
	if (filters.compare !== undefined) {
		const shown = inRange(d.allWaves, filters);
		compare = {
			label: segName(filters.compare)!,
			topics: await topicSeries(db, surveyId, shown, { ...filters, segment: filters.compare })
		};
	}
	return {
		...d,
		filters,
		problems,
		segments: segs,
		baseLabel: filters.segment !== undefined ? segName(filters.segment)! : 'All respondents',
		compare,
		complaints: await topComplaints(db, surveyId, filters)
	};
}
