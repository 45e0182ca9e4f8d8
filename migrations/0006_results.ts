import { sql, type Kysely } from 'kysely';

// Results: rollups the dashboards read instead of scanning answers, comment tags, and the indexes
// that keep filtered views (segment, attributes, order status) and free-text lists fast.
const up_statements = [
	// One row per wave × question × item × value: counts and score sums (design §3 "Rollups").
	`create table rollup_values (
		wave_id integer not null references waves (id) on delete cascade,
		question_id integer not null references questions (id) on delete cascade,
		lineage uuid not null,
		item text not null default '',
		value numeric,
		n integer not null default 0,
		texts integer not null default 0,
		score_n integer not null default 0,
		score_sum numeric not null default 0,
		score_sumsq numeric not null default 0,
		top2 integer not null default 0
	)`,
	`create unique index rollup_values_key on rollup_values (wave_id, question_id, item, value) nulls not distinct`,
	`create index rollup_values_lineage_idx on rollup_values (lineage, wave_id)`,
	// Respondents who answered each question (a multiple-choice answer has several value rows).
	`create table rollup_questions (
		wave_id integer not null references waves (id) on delete cascade,
		question_id integer not null references questions (id) on delete cascade,
		lineage uuid not null,
		answered integer not null default 0,
		primary key (wave_id, question_id)
	)`,
	// One row per wave × topic: each respondent contributes the mean of their scored answers in it.
	`create table rollup_topics (
		wave_id integer not null references waves (id) on delete cascade,
		topic_id integer not null references topics (id) on delete cascade,
		n integer not null default 0,
		score_sum numeric not null default 0,
		score_sumsq numeric not null default 0,
		top2 integer not null default 0,
		primary key (wave_id, topic_id)
	)`,
	`create table rollup_waves (
		wave_id integer primary key references waves (id) on delete cascade,
		survey_id integer not null references surveys (id) on delete cascade,
		responses integer not null default 0,
		updated_at timestamptz not null default now()
	)`,
	`create index rollup_waves_survey_idx on rollup_waves (survey_id)`,
	// Which complete responses are counted, so a response is never added twice.
	`create table rollup_responses (
		response_id integer primary key references responses (id) on delete cascade,
		wave_id integer not null references waves (id) on delete cascade
	)`,
	`create index rollup_responses_wave_idx on rollup_responses (wave_id)`,
	`create table comment_tags (
		id integer generated always as identity primary key,
		survey_id integer not null references surveys (id) on delete cascade,
		name text not null check (length(name) between 1 and 60),
		is_demo boolean not null default false,
		created_by integer references users (id) on delete set null,
		created_at timestamptz not null default now()
	)`,
	`create unique index comment_tags_name_key on comment_tags (survey_id, lower(name))`,
	`create table answer_tags (
		answer_id bigint not null references answers (id) on delete cascade,
		tag_id integer not null references comment_tags (id) on delete cascade,
		created_by integer references users (id) on delete set null,
		created_at timestamptz not null default now(),
		primary key (answer_id, tag_id)
	)`,
	`create index answer_tags_tag_idx on answer_tags (tag_id)`,
	`create index if not exists responses_customer_results_idx on responses (customer_id)`,
	`create index answers_lineage_text_idx on answers (lineage, response_id) where text is not null`,
	`create index follow_ups_survey_idx on follow_ups (survey_id, status, created_at)`
];

const tables = [
	'answer_tags',
	'comment_tags',
	'rollup_responses',
	'rollup_waves',
	'rollup_topics',
	'rollup_questions',
	'rollup_values'
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const table of tables) await sql.raw(`drop table if exists ${table} cascade`).execute(db);
	await sql.raw(`drop index if exists responses_customer_results_idx`).execute(db);
	await sql.raw(`drop index if exists answers_lineage_text_idx`).execute(db);
	await sql.raw(`drop index if exists follow_ups_survey_idx`).execute(db);
}
