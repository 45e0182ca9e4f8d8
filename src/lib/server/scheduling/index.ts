import type { Db } from '../db';
import type { Clock } from '../clock';
import * as mail from '../mail';
import * as reminders from './reminders';
import * as waves from './waves';

// Schedules, recurrence, waves, invitations and reminders (docs/architecture.md § Scheduling).
export * from './schedules';
export * as recurrence from './recurrence';
export * as waves from './waves';
export * as reminders from './reminders';
export { testSend, preview, type MailTemplate } from './mailing';
export { findUnsubscribeTarget, unsubscribe } from './unsubscribe';
export { findInvitationByToken } from './tokens';
export { baseUrl } from './links';

/** One worker pass of the whole pipeline, in order (tests and simulations use it). */
export async function runPipeline(db: Db, clock: Clock, transport?: mail.Transport): Promise<void> {
	await waves.tick(db, clock.now());
	await waves.materializeDue(db, clock.now());
	await reminders.sendDue(db, clock.now());
	await mail.sendDue(db, clock, { transport });
	await waves.openSent(db);
	await waves.closeDue(db, clock.now());
}
