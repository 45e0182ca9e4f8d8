import { sql } from 'kysely';
import type { Db } from '$lib/server/db';
import * as segments from '$lib/server/segments';
import { scheduleSchema, type ScheduleInput } from '$lib/schemas/schedules';
import { createPublishedSurvey } from './fixtures';

/** n customers created set-based (fast for thousands); returns nothing, ids are 1…n on a fresh db. */
export async function bulkCustomers(db: Db, n: number, prefix = 'k'): Promise<void> {
	await sql`insert into customers (external_id, email, name)
		select ${prefix} || g, ${prefix} || g || '@example.com', 'Customer ' || g
		from generate_series(1, ${n}::int) g`.execute(db);
}

/** A segment of every reachable customer, with a contact cap (0 = none). */
export async function allCustomersSegment(db: Db, capDays = 0): Promise<number> {
	return segments.create(db, {
		name: 'Everyone',
		description: '',
		rules: { type: 'group', op: 'and', children: [] },
		samplePercent: 100,
		maxCustomers: null,
		contactCapDays: capDays
	} as never);
}

/** A published survey, a segment and valid schedule form input for them. */
export async function scheduleFixture(
	db: Db,
	overrides: Record<string, unknown> = {},
	opts: { capDays?: number } = {}
): Promise<{ surveyId: number; segmentId: number; input: ScheduleInput }> {
	const { surveyId } = await createPublishedSurvey(db);
	const segmentId = await allCustomersSegment(db, opts.capDays ?? 0);
	const input = scheduleSchema.parse({
		name: 'Quarterly pulse',
		surveyId: String(surveyId),
		segmentId: String(segmentId),
		preset: 'weekly',
		weekday: '1',
		time: '09:00',
		timeZone: 'Europe/Berlin',
		startsOn: '2026-01-01',
		closeAfterDays: '14',
		reminder1: '3',
		reminder2: '4',
		senderName: 'Shop Team',
		mailSubject: 'Hello {{name}}, a few questions',
		mailBody: 'Hi {{name}},\n\nplease answer: {{link}}\n\nThanks, {{sender_name}}',
		...overrides
	});
	return { surveyId, segmentId, input };
}
