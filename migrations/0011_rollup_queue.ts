import { sql, type Kysely } from 'kysely';

// Rollups off the submit path (P1): a completed response is queued here in its submit
// transaction, and a short-interval job folds queued responses into the rollups in batches.
const up_statements = [
	`create table rollup_pending (
		response_id integer primary key references responses (id) on delete cascade,
		wave_id integer not null references waves (id) on delete cascade,
		queued_at timestamptz not null default now()
	)`,
	// complete responses that no rollup counts yet (none, unless a rollup was lost)
	`insert into rollup_pending (response_id, wave_id)
		select r.id, r.wave_id from responses r
		where r.status = 'complete' and r.wave_id is not null
			and not exists (select 1 from rollup_responses rr where rr.response_id = r.id)`
];

const down_statements = [`drop table if exists rollup_pending`];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const statement of down_statements) await sql.raw(statement).execute(db);
}
