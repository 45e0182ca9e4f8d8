import { hostname } from 'node:os';
import { json } from '../db/json';
import type { Db } from '../db';
import { systemClock, type Clock } from '../clock';
import { tasks, type Task } from './tasks';

export type { Task } from './tasks';

export interface WorkerOptions {
	clock?: Clock;
	/** how often the loop looks for due work */
	intervalMs?: number;
	/** only these tasks (tests); default all */
	only?: string[];
	log?: (message: string) => void;
}

export const instanceId = `${hostname()}:${process.pid}`;

/** Runs every task once, in order; a failing task is logged and does not stop the others. */
export async function runOnce(db: Db, options: WorkerOptions = {}): Promise<void> {
	const clock = options.clock ?? systemClock;
	const log = options.log ?? ((m: string) => console.error(m));
	for (const task of selected(options.only)) {
		try {
			await task.run(db, clock);
		} catch (e) {
			log(`[worker] ${task.name} failed: ${(e as Error).stack ?? e}`);
		}
	}
	await heartbeat(db, clock);
}

function selected(only?: string[]): Task[] {
	return only ? tasks.filter((t) => only.includes(t.name)) : tasks;
}

async function heartbeat(db: Db, clock: Clock): Promise<void> {
	await db
		.insertInto('settings')
		.values({
			key: 'worker.heartbeat',
			value: json({ at: clock.now().toISOString(), instance: instanceId })
		})
		.onConflict((oc) =>
			oc
				.column('key')
				.doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: new Date() }))
		)
		.execute();
}

/** The last time any worker finished a pass, or null. */
export async function lastHeartbeat(db: Db): Promise<{ at: Date; instance: string } | null> {
	const row = await db
		.selectFrom('settings')
		.select('value')
		.where('key', '=', 'worker.heartbeat')
		.executeTakeFirst();
	if (!row) return null;
	const v = row.value as { at: string; instance: string };
	return { at: new Date(v.at), instance: v.instance };
}

/** Starts the loop; safe with N instances because every task claims its rows in the database. */
export function start(db: Db, options: WorkerOptions = {}): { stop(): Promise<void> } {
	const interval = options.intervalMs ?? 2000;
	let stopped = false;
	let running: Promise<void> = Promise.resolve();
	let timer: NodeJS.Timeout | undefined;
	const loop = () => {
		if (stopped) return;
		running = runOnce(db, options).finally(() => {
			if (!stopped) timer = setTimeout(loop, interval);
		});
	};
	timer = setTimeout(loop, 50);
	return {
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			await running;
		}
	};
}
