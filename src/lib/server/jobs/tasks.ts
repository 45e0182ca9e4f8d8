import type { Db } from '../db';
import type { Clock } from '../clock';
import * as ratelimit from '../ratelimit';
import { sessions } from '../auth';

export interface Task {
	name: string;
	/** must be idempotent and safe with several workers at once (claim rows with SKIP LOCKED) */
	run(db: Db, clock: Clock): Promise<void>;
}

// The worker's tasks, in the order one pass runs them. Domains add theirs here.
export const tasks: Task[] = [
	{
		name: 'housekeeping',
		async run(db, clock) {
			await sessions.prune(db, clock.now());
			await ratelimit.prune(db, clock.now());
		}
	}
];
