import type { Db } from '../db';
import { json } from '../db/json';
import { users } from '../auth';
import type { DemoContext } from './context';
import * as customers from './customers';
import * as responses from './responses';
import * as resultsDemo from './results';
import * as reports from './reports';
import * as schedules from './schedules';
import * as surveys from './surveys';
import * as triggers from './triggers';

export const DEMO_USERS = [
	{ email: 'editor@demo.soundings.dev', name: 'Dana Editor (demo)', role: 'editor' },
	{ email: 'viewer@demo.soundings.dev', name: 'Vic Viewer (demo)', role: 'viewer' }
] as const;

/** Whether the demo data is loaded. */
export async function isLoaded(db: Db): Promise<boolean> {
	const row = await db
		.selectFrom('settings')
		.select('key')
		.where('key', '=', 'demo.loaded')
		.executeTakeFirst();
	return !!row;
}

/** Loads the clearly marked demo (every row has is_demo = true) in the dependency order. */
export async function seed(
	db: Db,
	opts: { adminId: number; password: string; now?: Date; log?: (m: string) => void }
): Promise<void> {
	if (await isLoaded(db)) return;
	const ctx: DemoContext = {
		db,
		now: opts.now ?? new Date(),
		adminId: opts.adminId,
		password: opts.password,
		surveyIds: {},
		segmentIds: {},
		scheduleIds: {},
		waveIds: [],
		log: opts.log ?? (() => {})
	};
	for (const u of DEMO_USERS) {
		if (!(await users.findByEmail(db, u.email))) {
			await users.create(db, { ...u, password: opts.password, isDemo: true });
		}
	}
	await surveys.seed(ctx);
	await customers.seed(ctx);
	await schedules.seed(ctx);
	await responses.seed(ctx);
	await resultsDemo.seed(ctx);
	await triggers.seed(ctx);
	await reports.seed(ctx);
	await db
		.insertInto('settings')
		.values({ key: 'demo.loaded', value: json({ at: ctx.now.toISOString() }) })
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();
}

/** Removes every demo row in one transaction; real data is untouched. */
export async function remove(db: Db): Promise<void> {
	await db.transaction().execute(async (trx) => {
		await reports.remove(trx);
		await trx.deleteFrom('share_links').where('is_demo', '=', true).execute();
		await trx.deleteFrom('report_subscriptions').where('is_demo', '=', true).execute();
		await trx.deleteFrom('events').where('is_demo', '=', true).execute();
		await trx.deleteFrom('triggers').where('is_demo', '=', true).execute();
		await trx.deleteFrom('responses').where('is_demo', '=', true).execute();
		await trx.deleteFrom('waves').where('is_demo', '=', true).execute();
		await trx.deleteFrom('schedules').where('is_demo', '=', true).execute();
		await trx.deleteFrom('segments').where('is_demo', '=', true).execute();
		await trx.deleteFrom('customers').where('is_demo', '=', true).execute();
		await trx.deleteFrom('surveys').where('is_demo', '=', true).execute();
		await trx.deleteFrom('topics').where('is_demo', '=', true).execute();
		await trx.deleteFrom('users').where('is_demo', '=', true).execute();
		await trx.deleteFrom('settings').where('key', '=', 'demo.loaded').execute();
	});
}
