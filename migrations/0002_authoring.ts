import { sql, type Kysely } from 'kysely';

// Survey authoring: the last deleted question or page of a draft (for "undo delete"), and an index
// for the survey list's title search.
const up_statements = [
	`alter table survey_versions add column trash jsonb`,
	`create index surveys_list_idx on surveys (is_template, updated_at desc)`
];

const down_statements = [
	`drop index if exists surveys_list_idx`,
	`alter table survey_versions drop column if exists trash`
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const statement of down_statements) await sql.raw(statement).execute(db);
}
