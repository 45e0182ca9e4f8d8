import { sql, type Kysely } from 'kysely';

// P1: everything a completed response sets off besides its own rows (rollups, response.completed
// and follow_up.opened webhooks, the follow-up's assignment and owner e-mail) now runs in the
// batched flush, so the rollup queue becomes the completion queue. Responses to public links
// (no wave) are queued too, for their webhooks and follow-ups. A response whose side effects
// fail is put back with a later next_attempt_at and its error, so it holds up no other.
// Two indexes every submit paid for and no query used: a second index on responses (customer_id)
// (0006 meant "if not exists" but named it differently from 0003's) and follow_ups (status,
// created_at) (every follow-up query is by survey: follow_ups_survey_idx).
const up_statements = [
	`drop index if exists responses_customer_results_idx`,
	`drop index if exists follow_ups_status_idx`,
	`alter table rollup_pending rename to completion_queue`,
	`alter index rollup_pending_pkey rename to completion_queue_pkey`,
	`alter table completion_queue alter column wave_id drop not null`,
	`alter table completion_queue
		add column attempts integer not null default 0,
		add column next_attempt_at timestamptz not null default now(),
		add column last_error text`
];

const down_statements = [
	`delete from completion_queue where wave_id is null`,
	`alter table completion_queue drop column attempts, drop column next_attempt_at,
		drop column last_error`,
	`alter table completion_queue alter column wave_id set not null`,
	`alter index completion_queue_pkey rename to rollup_pending_pkey`,
	`alter table completion_queue rename to rollup_pending`,
	`create index if not exists follow_ups_status_idx on follow_ups (status, created_at)`,
	`create index if not exists responses_customer_results_idx on responses (customer_id)`
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const statement of down_statements) await sql.raw(statement).execute(db);
}
