import type { DbOrTrx } from '../db';

export interface Overview {
	surveys: number;
	publishedSurveys: number;
	customers: number;
	segments: number;
	schedules: number;
	completedResponses: number;
}

/** Counts for the start page's "what to do next" checklist. */
export async function get(db: DbOrTrx): Promise<Overview> {
	const row = await db
		.selectNoFrom((eb) => [
			eb
				.selectFrom('surveys')
				.select(eb.fn.countAll<number>().as('n'))
				.where('archived_at', 'is', null)
				.where('is_template', '=', false)
				.as('surveys'),
			eb
				.selectFrom('survey_versions')
				.select((e) => e.fn.count<number>('survey_id').distinct().as('n'))
				.where('status', '=', 'published')
				.as('published_surveys'),
			eb.selectFrom('customers').select(eb.fn.countAll<number>().as('n')).as('customers'),
			eb
				.selectFrom('segments')
				.select(eb.fn.countAll<number>().as('n'))
				.where('archived_at', 'is', null)
				.as('segments'),
			eb
				.selectFrom('schedules')
				.select(eb.fn.countAll<number>().as('n'))
				.where('archived_at', 'is', null)
				.as('schedules'),
			eb
				.selectFrom('responses')
				.select(eb.fn.countAll<number>().as('n'))
				.where('status', '=', 'complete')
				.as('responses')
		])
		.executeTakeFirstOrThrow();
	return {
		surveys: Number(row.surveys),
		publishedSurveys: Number(row.published_surveys),
		customers: Number(row.customers),
		segments: Number(row.segments),
		schedules: Number(row.schedules),
		completedResponses: Number(row.responses)
	};
}
