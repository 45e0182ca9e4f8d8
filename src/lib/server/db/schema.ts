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
	/** the draft's last deleted question or page, for "undo delete" (0002_authoring) */
	trash: ColumnType<unknown, unknown, unknown>;
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
	/** latest order time per status, kept by triggers on orders (migration 0009) */
	last_completed_order_at: NullableTimestamp;
	last_abandoned_order_at: NullableTimestamp;
	last_cancelled_order_at: NullableTimestamp;
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
	/** 0004: the preset the marketer chose ({kind: 'custom'} for a cron expression) */
	recurrence: JsonDefault<Record<string, unknown>>;
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
	/** 0004: why a wave went out differently (e.g. no published version) */
	note: Default<string>;
	/** 0007: the trigger of a rolling wave (triggered invitations) */
	trigger_id: Default<number | null>;
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
	/** 0004: the sender name shown in From */
	from_name: Default<string>;
	/** 0004: how a sent message went out: over SMTP, or kept in the app (no SMTP_URL) */
	delivery: 'smtp' | 'kept' | null;
	/** 0004: the wave an invitation or reminder belongs to */
	wave_id: number | null;
}

/** 0004: extra tokens of an invitation (one fresh token per reminder); only the hash is stored. */
export interface InvitationTokensTable {
	token_hash: string;
	invitation_id: number;
	purpose: Default<string>;
	created_at: CreatedAt;
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

/** 0003: a CSV import job (customers or orders) with its progress and summary. */
export interface ImportsTable {
	id: Id;
	kind: 'customers' | 'orders';
	filename: Default<string>;
	file_path: string | null;
	status: Default<'mapping' | 'queued' | 'running' | 'done' | 'failed'>;
	headers: JsonDefault<string[]>;
	preview: JsonDefault<string[][]>;
	mapping: JsonDefault<Record<string, string>>;
	delimiter: Default<string>;
	total_bytes: Default<number>;
	processed_bytes: Default<number>;
	rows_total: Default<number>;
	created_count: Default<number>;
	updated_count: Default<number>;
	skipped_count: Default<number>;
	message: string | null;
	created_by: number | null;
	created_at: CreatedAt;
	started_at: NullableTimestamp;
	finished_at: NullableTimestamp;
	heartbeat_at: NullableTimestamp;
}

/** 0003: one rejected row (or field) of an import, for the downloadable report. */
export interface ImportErrorsTable {
	id: Generated<number>;
	import_id: number;
	row_number: number;
	column_name: Default<string>;
	reason: string;
}

/** 0006: per wave × question × item × value counts and score sums (results rollups). */
export interface RollupValuesTable {
	wave_id: number;
	question_id: number;
	lineage: string;
	item: Default<string>;
	value: number | null;
	n: Default<number>;
	/** answers in this bucket that carry free text */
	texts: Default<number>;
	score_n: Default<number>;
	score_sum: Default<number>;
	score_sumsq: Default<number>;
	top2: Default<number>;
}

/** 0006: respondents who answered each question per wave. */
export interface RollupQuestionsTable {
	wave_id: number;
	question_id: number;
	lineage: string;
	answered: Default<number>;
}

/** 0006: per wave × topic, each respondent's mean topic score summed. */
export interface RollupTopicsTable {
	wave_id: number;
	topic_id: number;
	n: Default<number>;
	score_sum: Default<number>;
	score_sumsq: Default<number>;
	top2: Default<number>;
}

/** 0006: complete responses counted per wave. */
export interface RollupWavesTable {
	wave_id: number;
	survey_id: number;
	responses: Default<number>;
	updated_at: CreatedAt;
}

/** 0006: which responses the rollups already count. */
export interface RollupResponsesTable {
	response_id: number;
	wave_id: number;
}

/** 0011, renamed in 0012: completed responses whose rollups and side effects are to be done. */
export interface CompletionQueueTable {
	response_id: number;
	/** null: a response to a public link (no rollups, only webhooks and follow-ups) */
	wave_id: number | null;
	/** failed tries of its side effects (0012); retried from next_attempt_at */
	attempts: Generated<number>;
	next_attempt_at: Generated<Date>;
	last_error: string | null;
	queued_at: Generated<Date>;
}

/** 0006: a team's own tag for free-text answers, per survey. */
export interface CommentTagsTable {
	id: Id;
	survey_id: number;
	name: string;
	is_demo: Default<boolean>;
	created_by: number | null;
	created_at: CreatedAt;
}

/** 0006: a tag applied to one free-text answer. */
export interface AnswerTagsTable {
	answer_id: number;
	tag_id: number;
	created_by: number | null;
	created_at: CreatedAt;
}

/** 0008: a user's digest subscription for one survey. */
export interface ReportSubscriptionsTable {
	id: Id;
	user_id: number;
	survey_id: number;
	/** a digest when a wave closes */
	on_close: Default<boolean>;
	/** a digest every week while a wave is open */
	weekly: Default<boolean>;
	created_by: number | null;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	updated_at: CreatedAt;
}

/** 0008: one digest round (a wave closed, or one week of an open wave), created once. */
export interface ReportDigestRunsTable {
	id: Generated<number>;
	wave_id: number;
	kind: 'closed' | 'weekly';
	/** '' for closed; the ISO week (2026-W48) for weekly */
	period: Default<string>;
	recipients: Default<number>;
	created_at: CreatedAt;
}

/** 0008: a read-only, redacted link to one survey's dashboard; only the token's SHA-256 is kept. */
export interface ShareLinksTable {
	id: Id;
	survey_id: number;
	token_hash: string;
	label: Default<string>;
	hide_free_text: Default<boolean>;
	/** topic ids the link hides */
	hidden_topics: JsonDefault<number[]>;
	/** question lineages the link hides */
	hidden_questions: JsonDefault<string[]>;
	expires_at: NullableTimestamp;
	revoked_at: NullableTimestamp;
	created_by: number | null;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	last_viewed_at: NullableTimestamp;
	view_count: Default<number>;
}

/** 0008: one view of a share link. */
export interface ShareLinkViewsTable {
	id: Generated<number>;
	link_id: number;
	at: CreatedAt;
	path: Default<string>;
	ip_hash: string | null;
	user_agent: string | null;
}

/** 0007: an event received through the API, stored once per client-supplied event id. */
export interface EventsTable {
	id: Generated<number>;
	event_id: string;
	type: string;
	customer_id: number | null;
	occurred_at: Timestamp;
	reference: string | null;
	attributes: JsonDefault<Record<string, string | number | boolean | null>>;
	api_key_id: number | null;
	is_demo: Default<boolean>;
	received_at: CreatedAt;
}

/** 0007: when an event of a type happens, invite the customer to a survey after a delay. */
export interface TriggersTable {
	id: Id;
	name: string;
	event_type: string;
	conditions: JsonDefault<{ attribute: string; op: string; value: string }[]>;
	survey_id: number;
	delay_kind: Default<'after' | 'local_time'>;
	delay_minutes: Default<number>;
	local_time: Default<string>;
	time_zone: Default<string>;
	once_per_days: Default<number>;
	sample_percent: Default<number>;
	sample_seed: Default<string>;
	mail_subject: string;
	mail_body: string;
	sender_name: Default<string>;
	paused_at: NullableTimestamp;
	created_by: number | null;
	is_demo: Default<boolean>;
	created_at: CreatedAt;
	updated_at: CreatedAt;
	archived_at: NullableTimestamp;
}

/** 0007: one planned triggered invitation (trigger × event), sent or skipped when due. */
export interface TriggerSendsTable {
	id: Generated<number>;
	trigger_id: number;
	event_id: number;
	customer_id: number;
	due_at: Timestamp;
	status: Default<'pending' | 'sent' | 'skipped'>;
	skip_reason: string | null;
	invitation_id: number | null;
	created_at: CreatedAt;
	processed_at: NullableTimestamp;
}

/** 0007: an admin-configured URL that receives signed JSON payloads. */
export interface WebhooksTable {
	id: Id;
	url: string;
	description: Default<string>;
	events: JsonDefault<string[]>;
	secret: string;
	active: Default<boolean>;
	created_by: number | null;
	created_at: CreatedAt;
	updated_at: CreatedAt;
}

/** 0007: one payload for one webhook, delivered with retries (the outbox pattern). */
export interface WebhookDeliveriesTable {
	id: Generated<number>;
	webhook_id: number;
	event: string;
	idempotency_key: string;
	body: string;
	status: Default<'pending' | 'sending' | 'delivered' | 'failed'>;
	attempts: Default<number>;
	next_attempt_at: CreatedAt;
	last_status: number | null;
	last_error: string | null;
	created_at: CreatedAt;
	delivered_at: NullableTimestamp;
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
	invitation_tokens: InvitationTokensTable;
	responses: ResponsesTable;
	answers: AnswersTable;
	follow_ups: FollowUpsTable;
	events: EventsTable;
	triggers: TriggersTable;
	trigger_sends: TriggerSendsTable;
	webhooks: WebhooksTable;
	webhook_deliveries: WebhookDeliveriesTable;
	imports: ImportsTable;
	import_errors: ImportErrorsTable;
	rollup_values: RollupValuesTable;
	rollup_topics: RollupTopicsTable;
	rollup_questions: RollupQuestionsTable;
	rollup_waves: RollupWavesTable;
	rollup_responses: RollupResponsesTable;
	completion_queue: CompletionQueueTable;
	comment_tags: CommentTagsTable;
	answer_tags: AnswerTagsTable;
	report_subscriptions: ReportSubscriptionsTable;
	report_digest_runs: ReportDigestRunsTable;
	share_links: ShareLinksTable;
	share_link_views: ShareLinkViewsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type TopicRow = Selectable<TopicsTable>;
export type SurveyRow = Selectable<SurveysTable>;
export type SurveyVersionRow = Selectable<SurveyVersionsTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type SegmentRow = Selectable<SegmentsTable>;
export type OrderRow = Selectable<OrdersTable>;
export type TriggerRow = Selectable<TriggersTable>;
export type EventRow = Selectable<EventsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type ImportRow = Selectable<ImportsTable>;
export type ScheduleRow = Selectable<SchedulesTable>;
export type WaveRow = Selectable<WavesTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type ResponseRow = Selectable<ResponsesTable>;
export type AnswerRow = Selectable<AnswersTable>;
