import { sql, type Kysely } from 'kysely';

// Reporting: digest subscriptions and the record of digests sent, redacted share links and
// their view log.
const up_statements = [
	`create table report_subscriptions (
		id integer generated always as identity primary key,
		user_id integer not null references users (id) on delete cascade,
		survey_id integer not null references surveys (id) on delete cascade,
		on_close boolean not null default true,
		weekly boolean not null default false,
		created_by integer references users (id) on delete set null,
		is_demo boolean not null default false,
		created_at timestamptz not null default now(),
		updated_at timestamptz not null default now(),
		unique (user_id, survey_id),
		check (on_close or weekly)
	)`,
	`create index report_subscriptions_survey_idx on report_subscriptions (survey_id)`,
	`create table report_digest_runs (
		id bigint generated always as identity primary key,
		wave_id integer not null references waves (id) on delete cascade,
		kind text not null check (kind in ('closed', 'weekly')),
		period text not null default '',
		recipients integer not null default 0,
		created_at timestamptz not null default now(),
		unique (wave_id, kind, period)
	)`,
	`create table share_links (
		id integer generated always as identity primary key,
		survey_id integer not null references surveys (id) on delete cascade,
		token_hash text not null unique,
		label text not null default '' check (length(label) <= 200),
		hide_free_text boolean not null default true,
		hidden_topics jsonb not null default '[]',
		hidden_questions jsonb not null default '[]',
		expires_at timestamptz,
		revoked_at timestamptz,
		created_by integer references users (id) on delete set null,
		is_demo boolean not null default false,
		created_at timestamptz not null default now(),
		last_viewed_at timestamptz,
		view_count integer not null default 0
	)`,
	`create index share_links_survey_idx on share_links (survey_id, created_at)`,
	`create table share_link_views (
		id bigint generated always as identity primary key,
		link_id integer not null references share_links (id) on delete cascade,
		at timestamptz not null default now(),
		path text not null default '',
		ip_hash text,
		user_agent text
	)`,
	`create index share_link_views_link_idx on share_link_views (link_id, at)`
];

const down_statements = [
	`drop table if exists share_link_views`,
	`drop table if exists share_links`,
	`drop table if exists report_digest_runs`,
	`drop table if exists report_subscriptions`
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const statement of down_statements) await sql.raw(statement).execute(db);
}
