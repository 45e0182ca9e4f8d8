import { sql, type Kysely } from 'kysely';

// Scheduling and mail: reminder tokens, outbox delivery details, wave notes, schedule presets.
const up_statements = [
	`create table invitation_tokens (
		token_hash text primary key,
		invitation_id integer not null references invitations (id) on delete cascade,
		purpose text not null default 'reminder',
		created_at timestamptz not null default now()
	)`,
	`create index invitation_tokens_invitation_idx on invitation_tokens (invitation_id)`,
	`alter table outbox add column from_name text not null default ''`,
	`alter table outbox add column delivery text check (delivery in ('smtp', 'kept'))`,
	`alter table outbox add column wave_id integer references waves (id) on delete set null`,
	`create index outbox_wave_pending_idx on outbox (wave_id) where status in ('pending', 'sending')`,
	`create index outbox_sent_at_idx on outbox (sent_at) where status = 'sent'`,
	`alter table waves add column note text not null default ''`,
	`create index waves_active_idx on waves (status) where status <> 'closed'`,
	`alter table schedules add column recurrence jsonb not null default '{"kind":"custom"}'`
];

const down_statements = [
	`alter table schedules drop column if exists recurrence`,
	`drop index if exists waves_active_idx`,
	`alter table waves drop column if exists note`,
	`drop index if exists outbox_sent_at_idx`,
	`drop index if exists outbox_wave_pending_idx`,
	`alter table outbox drop column if exists wave_id`,
	`alter table outbox drop column if exists delivery`,
	`alter table outbox drop column if exists from_name`,
	`drop table if exists invitation_tokens`
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const statement of down_statements) await sql.raw(statement).execute(db);
}
