import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

// One Database interface for every table; each migration that changes a table updates it here.

type Id = Generated<number>;
/** timestamptz: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
/** jsonb: postgres.js and PGlite both parse it; writes pass JS values. */
export type Json<T = unknown> = ColumnType<T, T, T>;
type JsonDefault<T> = ColumnType<T, T | undefined, T>;
type Default<T> = ColumnType<T, T | undefined, T>;

export interface UsersTable {
	id: Id;
	email: string;
	name: Default<string>;
	password_hash: string;
	role: 'admin' | 'editor' | 'viewer';
	disabled_at: NullableTimestamp;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	last_login_at: NullableTimestamp;
}

export interface SessionsTable {
	id_hash: string;
	user_id: number;
	created_at: CreatedAt;
	expires_at: Timestamp;
	ip: string | null;
	user_agent: string | null;
}

export interface ApiKeysTable {
	id: Id;
	name: string;
	prefix: string;
	key_hash: string;
	created_by: number | null;
	created_at: CreatedAt;
	last_used_at: NullableTimestamp;
	revoked_at: NullableTimestamp;
}

export interface RateLimitsTable {
	key: string;
	window_start: Timestamp;
	hits: Default<number>;
}

export interface SettingsTable {
	key: string;
	value: Json;
	updated_at: CreatedAt;
}

export interface AuditLogTable {
	id: Generated<number>;
	at: CreatedAt;
	user_id: number | null;
	action: string;
	entity: string;
	entity_id: string | null;
	details: JsonDefault<Record<string, unknown>>;
}

export interface TopicsTable {
	id: Id;
	key: string;
	name: string;
	colour: Default<string>;
	description: Default<string>;
	target: number | null;
	benchmark: number | null;
	benchmark_source: string | null;
	benchmark_year: number | null;
	position: Default<number>;
	is_demo: Default<boolean>;
	archived_at: NullableTimestamp;
	created_at: CreatedAt;
	updated_at: CreatedAt;
}

export interface SurveysTable {
	id: Id;
	title: string;
	description: Default<string>;
	kind: Default<'periodic' | 'transactional'>;
	language: Default<string>;
	is_template: Default<boolean>;
	template_key: string | null;
	public_token_hash: string | null;
	public_enabled: Default<boolean>;
	follow_up_rule: Json | null;
	created_by: number | null;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	updated_at: CreatedAt;
	archived_at: NullableTimestamp;
}

export interface SurveyVersionsTable {
	id: Id;
	survey_id: number;
	number: number;
	status: 'draft' | 'published';
	/** The whole respondent-facing survey, validated by src/lib/schemas/survey.ts. */
	definition: Json;
	changelog: Json | null;
	created_at: CreatedAt;
	updated_at: CreatedAt;
	published_at: NullableTimestamp;
	published_by: number | null;
}

/** Projection of a published version's questions, for SQL joins in results. */
export interface QuestionsTable {
	id: Id;
	version_id: number;
	lineage: string;
	section_index: number;
	position: number;
	type: string;
	prompt: string;
	topic_id: number | null;
	scored: Default<boolean>;
	settings: JsonDefault<Record<string, unknown>>;
}

export interface CustomersTable {
	id: Id;
	external_id: string;
	email: string | null;
	name: Default<string>;
	locale: Default<string>;
	time_zone: string | null;
	attributes: JsonDefault<Record<string, unknown>>;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	updated_at: CreatedAt;
	unsubscribed_at: NullableTimestamp;
	erased_at: NullableTimestamp;
}

export interface OrdersTable {
	id: Id;
	customer_id: number;
	reference: string;
	status: 'completed' | 'abandoned' | 'cancelled';
	amount: Default<number>;
	currency: Default<string>;
	at: Timestamp;
}

export interface SegmentsTable {
	id: Id;
	name: string;
	description: Default<string>;
	rules: Json;
	sample_percent: Default<number>;
	sample_seed: Default<string>;
	max_customers: number | null;
	contact_cap_days: number | null;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	updated_at: CreatedAt;
	archived_at: NullableTimestamp;
}

export interface SchedulesTable {
	id: Id;
	name: string;
	survey_id: number;
	segment_id: number;
	cron: string;
	time_zone: string;
	starts_at: Timestamp;
	ends_at: NullableTimestamp;
	max_waves: number | null;
	next_run_at: NullableTimestamp;
	paused_at: NullableTimestamp;
	close_after_days: Default<number>;
	reminder_days: JsonDefault<number[]>;
	mail_subject: string;
	mail_body: string;
	sender_name: Default<string>;
	created_by: number | null;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	updated_at: CreatedAt;
	archived_at: NullableTimestamp;
}

export type WaveStatus = 'scheduled' | 'materializing' | 'sending' | 'open' | 'closed';

export interface WavesTable {
	id: Id;
	schedule_id: number | null;
	survey_id: number;
	version_id: number | null;
	segment_id: number | null;
	kind: Default<'scheduled' | 'manual' | 'rolling'>;
	name: Default<string>;
	scheduled_for: Timestamp;
	status: Default<WaveStatus>;
	invited_count: Default<number>;
	closes_at: NullableTimestamp;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	materialized_at: NullableTimestamp;
	closed_at: NullableTimestamp;
}

export interface InvitationsTable {
	id: Id;
	wave_id: number;
	customer_id: number;
	token_hash: string;
	created_at: CreatedAt;
	sent_at: NullableTimestamp;
	delivered_at: NullableTimestamp;
	reminders_sent: Default<number>;
	last_reminded_at: NullableTimestamp;
	opened_at: NullableTimestamp;
	started_at: NullableTimestamp;
	completed_at: NullableTimestamp;
}

export interface OutboxTable {
	id: Generated<number>;
	kind: string;
	idempotency_key: string;
	to_address: string;
	to_name: Default<string>;
	subject: string;
	text_body: string;
	html_body: string;
	headers: JsonDefault<Record<string, string>>;
	invitation_id: number | null;
	status: Default<'pending' | 'sending' | 'sent' | 'failed'>;
	attempts: Default<number>;
	next_attempt_at: CreatedAt;
	last_error: string | null;
	created_at: CreatedAt;
	sent_at: NullableTimestamp;
}

export interface ResponsesTable {
	id: Id;
	invitation_id: number | null;
	survey_id: number;
	version_id: number;
	wave_id: number | null;
	customer_id: number | null;
	status: Default<'partial' | 'complete'>;
	current_section: Default<number>;
	anonymous: Default<boolean>;
	browser_key: string | null;
	is_demo: Default<boolean>;
	started_at: CreatedAt;
	updated_at: CreatedAt;
	completed_at: NullableTimestamp;
}

export interface AnswersTable {
	id: Generated<number>;
	response_id: number;
	question_id: number;
	lineage: string;
	/** matrix statement key, chosen option value (multiple choice, ranking), or '' */
	item: Default<string>;
	value: number | null;
	/** 0–100 for scored questions (design §3) */
	score: number | null;
	text: string | null;
}

export interface FollowUpsTable {
	id: Id;
	response_id: number;
	survey_id: number;
	wave_id: number | null;
	customer_id: number | null;
	reason: string;
	status: Default<'open' | 'contacted' | 'resolved'>;
	assignee_id: number | null;
	note: Default<string>;
	created_at: CreatedAt;
	updated_at: CreatedAt;
	resolved_at: NullableTimestamp;
}

export interface Database {
	users: UsersTable;
	sessions: SessionsTable;
	api_keys: ApiKeysTable;
	rate_limits: RateLimitsTable;
	settings: SettingsTable;
	audit_log: AuditLogTable;
	topics: TopicsTable;
	surveys: SurveysTable;
	survey_versions: SurveyVersionsTable;
	questions: QuestionsTable;
	customers: CustomersTable;
	orders: OrdersTable;
	segments: SegmentsTable;
	schedules: SchedulesTable;
	waves: WavesTable;
	invitations: InvitationsTable;
	outbox: OutboxTable;
	responses: ResponsesTable;
	answers: AnswersTable;
	follow_ups: FollowUpsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type TopicRow = Selectable<TopicsTable>;
export type SurveyRow = Selectable<SurveysTable>;
export type SurveyVersionRow = Selectable<SurveyVersionsTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type SegmentRow = Selectable<SegmentsTable>;
export type ScheduleRow = Selectable<SchedulesTable>;
export type WaveRow = Selectable<WavesTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type ResponseRow = Selectable<ResponsesTable>;
export type AnswerRow = Selectable<AnswersTable>;
