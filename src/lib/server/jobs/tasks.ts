import type { Db } from '../db';
import type { Clock } from '../clock';
import * as ratelimit from '../ratelimit';
import { sessions } from '../auth';
import * as mail from '../mail';
import { reminders, waves } from '../scheduling';
import * as triggers from '../triggers';
import * as webhooks from '../webhooks';
import { imports } from '../customers';
import * as reports from '../reports';
import * as results from '../results';

export interface Task {
	name: string;
	/** must be idempotent and safe with several workers at once (claim rows with SKIP LOCKED) */
	run(db: Db, clock: Clock): Promise<void>;
}

// The worker's tasks, in the order one pass runs them. Domains add theirs here.
export const tasks: Task[] = [
	// completed responses (issues 8, 10): rollups, webhooks and follow-up assignment first, so
	// digests see them and this pass delivers the webhooks
	{
		name: 'completions',
		run: async (db, clock) => void (await results.flushCompletions(db, { now: clock.now() }))
	},
	{
		name: 'housekeeping',
		async run(db, clock) {
			await sessions.prune(db, clock.now());
			await ratelimit.prune(db, clock.now());
		}
	},
	{
		// CSV imports (issue 5): start a queued or stalled import of a file on this host without
		// holding up the pass; the import claims its row, so each runs once
		name: 'imports',
		async run(db, clock) {
			await imports.pruneAbandoned(db, clock.now());
			void imports.runNext(db).catch((e) => console.error('[worker] import failed:', e));
		}
	},
	// scheduling and mail (issue 6): each step claims its rows, so N workers do each thing once
	{ name: 'schedule-tick', run: async (db, clock) => void (await waves.tick(db, clock.now())) },
	{
		name: 'materialize-waves',
		run: async (db, clock) => void (await waves.materializeDue(db, clock.now()))
	},
	{ name: 'reminders', run: async (db, clock) => void (await reminders.sendDue(db, clock.now())) },
	// triggered surveys (issue 10): due triggered invitations first, so their mail goes out this pass
	{
		name: 'trigger-sends',
		run: async (db, clock) => void (await triggers.sendDue(db, clock.now()))
	},
	{ name: 'send-mail', run: async (db, clock) => void (await mail.sendDue(db, clock)) },
	{ name: 'webhooks', run: async (db, clock) => void (await webhooks.deliverDue(db, clock)) },
	{
		name: 'close-waves',
		async run(db, clock) {
			await waves.openSent(db);
			await waves.closeDue(db, clock.now());
		}
	},
	// reporting (issue 11): digests of newly closed waves (once per wave and user) and weekly ones
	{
		name: 'digests',
		async run(db, clock) {
			await reports.digests.sendClosed(db, clock);
			await reports.digests.sendWeekly(db, clock);
		}
	}
];
