import { randomToken, sha256 } from '../crypto';
import type { DbOrTrx } from '../db';
import { json } from '../db/json';
import type { DemoContext } from './context';

/** Demo targets and external benchmarks, set only on topics that have neither. */
const DEMO_GOALS: Record<
	string,
	{ target: number; benchmark?: number; source?: string; year?: number }
> = {
	'marketing-message': { target: 65 },
	'brand-attachment': { target: 70, benchmark: 66, source: 'Retail Customer Index', year: 2025 },
	'value-for-money': { target: 60, benchmark: 55, source: 'Retail Customer Index', year: 2025 },
	'website-navigation': { target: 75 },
	'payment-options': { target: 70 },
	'shipping-delivery': {
		target: 70,
		benchmark: 68,
		source: 'Parcel Satisfaction Study',
		year: 2025
	},
	service: { target: 80, benchmark: 74, source: 'Retail Customer Index', year: 2025 }
};
const GOALS_KEY = 'demo.reports.goals';

/**
 * Demo reporting: targets and benchmarks on the default topics (so charts show them), the admin and the demo editor receive digests of the demo surveys when a wave
 * closes, and one (revocable) share link is listed. The link's token is random and never shown:
 * create a fresh link to try one.
 */
export async function seed(ctx: DemoContext): Promise<void> {
	const surveyIds = Object.values(ctx.surveyIds);
	if (surveyIds.length === 0) return;
	const editor = await ctx.db
		.selectFrom('users')
		.select('id')
		.where('email', '=', 'editor@demo.soundings.dev')
		.executeTakeFirst();
	const people = [ctx.adminId, ...(editor ? [editor.id] : [])];
	await ctx.db
		.insertInto('report_subscriptions')
		.values(
			surveyIds.flatMap((surveyId) =>
				people.map((userId) => ({
					user_id: userId,
					survey_id: surveyId,
					on_close: true,
					weekly: false,
					created_by: ctx.adminId,
					is_demo: true
				}))
			)
		)
		.onConflict((oc) => oc.columns(['user_id', 'survey_id']).doNothing())
		.execute();
	await ctx.db
		.insertInto('share_links')
		.values({
			survey_id: surveyIds[0],
			token_hash: sha256(randomToken()),
			label: 'Management board (demo)',
			hide_free_text: true,
			created_by: ctx.adminId,
			is_demo: true,
			expires_at: new Date(ctx.now.getTime() + 90 * 86_400_000)
		})
		.execute();
	const topics = await ctx.db
		.selectFrom('topics')
		.select(['id', 'key'])
		.where('target', 'is', null)
		.where('benchmark', 'is', null)
		.execute();
	const set: number[] = [];
	for (const t of topics) {
		const g = DEMO_GOALS[t.key];
		if (!g) continue;
		await ctx.db
			.updateTable('topics')
			.set({
				target: g.target,
				benchmark: g.benchmark ?? null,
				benchmark_source: g.source ?? null,
				benchmark_year: g.year ?? null
			})
			.where('id', '=', t.id)
			.execute();
		set.push(t.id);
	}
	// remembered so removing the demo clears these demo goals again
	await ctx.db
		.insertInto('settings')
		.values({ key: GOALS_KEY, value: json(set) })
		.onConflict((oc) => oc.column('key').doUpdateSet({ value: json(set) }))
		.execute();
	ctx.log('Demo reporting: topic targets and benchmarks, digest subscriptions, a share link.');
}

/** Clears the targets and benchmarks the demo set (call inside demo.remove's transaction). */
export async function remove(db: DbOrTrx): Promise<void> {
	const row = await db
		.selectFrom('settings')
		.select('value')
		.where('key', '=', GOALS_KEY)
		.executeTakeFirst();
	const ids = Array.isArray(row?.value) ? (row.value as number[]) : [];
	if (ids.length)
		await db
			.updateTable('topics')
			.set({ target: null, benchmark: null, benchmark_source: null, benchmark_year: null })
			.where('id', 'in', ids)
			.execute();
	await db.deleteFrom('settings').where('key', '=', GOALS_KEY).execute();
}
