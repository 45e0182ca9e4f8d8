import { sql, type Kysely } from 'kysely';

// Customers, imports and segments: CSV import jobs with their per-row errors, and the indexes that
// keep search, keyset pagination and segment counts fast at 1M customers.
const up_statements = [
	`create table imports (
		id integer generated always as identity primary key,
		kind text not null check (kind in ('customers', 'orders')),
		filename text not null default '',
		file_path text,
		status text not null default 'mapping'
			check (status in ('mapping', 'queued', 'running', 'done', 'failed')),
		headers jsonb not null default '[]',
		preview jsonb not null default '[]',
		mapping jsonb not null default '{}',
		delimiter text not null default ',',
		total_bytes bigint not null default 0,
		processed_bytes bigint not null default 0,
		rows_total integer not null default 0,
		created_count integer not null default 0,
		updated_count integer not null default 0,
		skipped_count integer not null default 0,
		message text,
		created_by integer references users (id) on delete set null,
		created_at timestamptz not null default now(),
		started_at timestamptz,
		finished_at timestamptz,
		heartbeat_at timestamptz
	)`,
	`create index imports_created_idx on imports (created_at desc)`,
	`create table import_errors (
		id bigint generated always as identity primary key,
		import_id integer not null references imports (id) on delete cascade,
		row_number integer not null,
		column_name text not null default '',
		reason text not null
	)`,
	`create index import_errors_import_idx on import_errors (import_id, row_number)`,
	`create index customers_email_prefix_idx on customers (lower(email) text_pattern_ops)`,
	// the pattern index above also serves lower(email) = …, so the plain one only slows imports
	`drop index if exists customers_email_idx`,
	`create index customers_external_id_prefix_idx on customers (lower(external_id) text_pattern_ops)`,
	`create index customers_name_prefix_idx on customers (lower(name) text_pattern_ops)`,
	`create index orders_status_at_idx on orders (status, at)`,
	`create index responses_customer_idx on responses (customer_id)`
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const s of [
		'drop index if exists responses_customer_idx',
		'drop index if exists orders_status_at_idx',
		'drop index if exists customers_name_prefix_idx',
		'drop index if exists customers_external_id_prefix_idx',
		'create index if not exists customers_email_idx on customers (lower(email))',
		'drop index if exists customers_email_prefix_idx',
		'drop table if exists import_errors',
		'drop table if exists imports'
	])
		await sql.raw(s).execute(db);
}
