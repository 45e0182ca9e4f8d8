import { sql } from 'kysely';
import type { DemoContext } from './context';

/** Demo comment tags: the demo complaints tagged by theme, so "top complaints" ranks something. */
const TAGS: [string, string][] = [
	['Delivery problems', 'late|damaged|missing'],
	['Payment problems', 'checkout|card'],
	['Prices', 'price|cheaper'],
	['Slow customer service', 'service took|answer my'],
	['Website search', 'search'],
	['Too many e-mails', 'e-mails']
];

export async function seed(ctx: DemoContext): Promise<void> {
	const surveyId = ctx.surveyIds.quarterly;
	if (!surveyId) return;
	let tagged = 0;
	for (const [name, pattern] of TAGS) {
		const tag = await ctx.db
			.insertInto('comment_tags')
			.values({ survey_id: surveyId, name, is_demo: true, created_by: ctx.adminId })
			.onConflict((oc) => oc.doNothing())
			.returning('id')
			.executeTakeFirst();
		if (!tag) continue;
		const res = await sql`
			insert into answer_tags (answer_id, tag_id, created_by)
			select a.id, ${tag.id}::int, ${ctx.adminId}::int
			from answers a join responses r on r.id = a.response_id
			where r.survey_id = ${surveyId} and r.is_demo and a.text ~* ${pattern}
			on conflict do nothing`.execute(ctx.db);
		tagged += Number(res.numAffectedRows ?? 0);
	}
	ctx.log(`Demo results: ${tagged} comments tagged by theme.`);
}
