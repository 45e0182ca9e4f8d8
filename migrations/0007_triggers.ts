import { sql, type Kysely } from 'kysely';

// Triggered surveys: events in (idempotent on the client's event id), triggers, the pending
// triggered sends, rolling waves (one per trigger and month), webhooks out with their deliveries.
const up_statements = [
	`create table events (
		id bigint generated always as identity primary key,
		event_id text not null check (length(event_id) between 1 and 200),
		type text not null check (type ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$'),
		customer_id integer references customers (id) on delete set null,
		occurred_at timestamptz not null,
		reference text,
		attributes jsonb not null default '{}',
		api_key_id integer references api_keys (id) on delete set null,
		is_demo boolean not null default false,
		received_at timestamptz not null default now()
	)`,
	`create unique index events_event_id_key on events (event_id)`,
	`create index events_customer_idx on events (customer_id, occurred_at)`,
	`create index events_received_idx on events (received_at desc)`,
	`create table triggers (
		id integer generated always as identity primary key,
		name text not null check (length(name) between 1 and 200),
		event_type text not null check (event_type ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$'),
		conditions jsonb not null default '[]',
		survey_id integer not null references surveys (id),
		delay_kind text not null default 'after' check (delay_kind in ('after', 'local_time')),
		delay_minutes integer not null default 120 check (delay_minutes between 0 and 43200),
		local_time text not null default '09:00' check (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
		time_zone text not null default 'UTC',
		once_per_days integer not null default 90 check (once_per_days between 0 and 3650),
		sample_percent numeric(6, 3) not null default 100 check (sample_percent > 0 and sample_percent <= 100),
		sample_seed text not null default md5(random()::text),
		mail_subject text not null,
		mail_body text not null,
		sender_name text not null default 'Soundings',
		paused_at timestamptz,
		created_by integer references users (id) on delete set null,
		is_demo boolean not null default false,
		created_at timestamptz not null default now(),
		updated_at timestamptz not null default now(),
		archived_at timestamptz
	)`,
	`create index triggers_event_type_idx on triggers (event_type) where archived_at is null`,
	`create table trigger_sends (
		id bigint generated always as identity primary key,
		trigger_id integer not null references triggers (id) on delete cascade,
		event_id bigint not null references events (id) on delete cascade,
		customer_id integer not null references customers (id) on delete cascade,
		due_at timestamptz not null,
		status text not null default 'pending' check (status in ('pending', 'sent', 'skipped')),
		skip_reason text,
		invitation_id integer references invitations (id) on delete set null,
		created_at timestamptz not null default now(),
		processed_at timestamptz,
		unique (trigger_id, event_id)
	)`,
	`create index trigger_sends_due_idx on trigger_sends (due_at) where status = 'pending'`,
	`create index trigger_sends_trigger_idx on trigger_sends (trigger_id, created_at desc)`,
	`alter table waves add column trigger_id integer references triggers (id) on delete set null`,
	// a month's rolling wave exists once per trigger, however many workers race to create it
	`create unique index waves_rolling_once on waves (trigger_id, scheduled_for) where kind = 'rolling'`,
	`create table webhooks (
		id integer generated always as identity primary key,
		url text not null check (url ~ '^https?://' and length(url) <= 2000),
		description text not null default '',
		events jsonb not null default '[]',
		secret text not null,
		active boolean not null default true,
		created_by integer references users (id) on delete set null,
		created_at timestamptz not null default now(),
		updated_at timestamptz not null default now()
	)`,
	`create table webhook_deliveries (
		id bigint generated always as identity primary key,
		webhook_id integer not null references webhooks (id) on delete cascade,
		event text not null,
		idempotency_key text not null unique,
		body text not null,
		status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'failed')),
		attempts integer not null default 0,
		next_attempt_at timestamptz not null default now(),
		last_status integer,
		last_error text,
		created_at timestamptz not null default now(),
		delivered_at timestamptz
	)`,
	`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status in ('pending', 'sending')`,
	`create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, id desc)`
];

const down_statements = [
	'drop table if exists webhook_deliveries',
	'drop table if exists webhooks',
	'drop index if exists waves_rolling_once',
	'alter table waves drop column if exists trigger_id',
	'drop table if exists trigger_sends',
	'drop table if exists triggers',
	'drop table if exists events'
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const statement of down_statements) await sql.raw(statement).execute(db);
}
