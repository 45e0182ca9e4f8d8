import type { DbOrTrx } from '../db';

// Digest subscriptions: one row per user and survey; a user manages their own in the profile,
// admins can subscribe others from a survey's report page.

export interface Subscription {
	surveyId: number;
	surveyTitle: string;
	userId: number;
	userName: string;
	userEmail: string;
	onClose: boolean;
	weekly: boolean;
	createdBy: number | null;
}

export class SubscriptionError extends Error {}

/** A user's subscriptions, by survey title. */
export async function listForUser(db: DbOrTrx, userId: number): Promise<Subscription[]> {
	return base(db).where('rs.user_id', '=', userId).orderBy('s.title').execute().then(map);
}

/** A survey's subscribers, by name. */
export async function listForSurvey(db: DbOrTrx, surveyId: number): Promise<Subscription[]> {
	return base(db).where('rs.survey_id', '=', surveyId).orderBy('u.email').execute().then(map);
}

function base(db: DbOrTrx) {
	return db
		.selectFrom('report_subscriptions as rs')
		.innerJoin('surveys as s', 's.id', 'rs.survey_id')
		.innerJoin('users as u', 'u.id', 'rs.user_id')
		.select([
			'rs.survey_id',
			's.title',
			'rs.user_id',
			'u.name',
			'u.email',
			'rs.on_close',
			'rs.weekly',
			'rs.created_by'
		]);
}

function map(
	rows: {
		survey_id: number;
		title: string;
		user_id: number;
		name: string;
		email: string;
		on_close: boolean;
		weekly: boolean;
		created_by: number | null;
	}[]
): Subscription[] {
	return rows.map((r) => ({
		surveyId: r.survey_id,
		surveyTitle: r.title,
		userId: r.user_id,
		userName: r.name,
		userEmail: r.email,
		onClose: r.on_close,
		weekly: r.weekly,
		createdBy: r.created_by
	}));
}

/**
 * Subscribes a user to a survey's digests (or changes how); both off removes the subscription.
 * `by` is who did it: the user themself, or an admin.
 */
export async function set(
	db: DbOrTrx,
	input: { userId: number; surveyId: number; onClose: boolean; weekly: boolean; by: number }
): Promise<void> {
	if (!input.onClose && !input.weekly) {
		await unsubscribe(db, input.userId, input.surveyId);
		return;
	}
	const [user, survey] = await Promise.all([
		db
			.selectFrom('users')
			.select(['id', 'disabled_at'])
			.where('id', '=', input.userId)
			.executeTakeFirst(),
		db
			.selectFrom('surveys')
			.select('id')
			.where('id', '=', input.surveyId)
			.where('is_template', '=', false)
			.executeTakeFirst()
	]);
	if (!user) throw new SubscriptionError('That user does not exist.');
	if (user.disabled_at) throw new SubscriptionError('That user is disabled.');
	if (!survey) throw new SubscriptionError('That survey does not exist.');
	await db
		.insertInto('report_subscriptions')
		.values({
			user_id: input.userId,
			survey_id: input.surveyId,
			on_close: input.onClose,
			weekly: input.weekly,
			created_by: input.by
		})
		.onConflict((oc) =>
			oc.columns(['user_id', 'survey_id']).doUpdateSet({
				on_close: input.onClose,
				weekly: input.weekly,
				updated_at: new Date()
			})
		)
		.execute();
}

/** Removes a subscription (no-op when there is none). */
export async function unsubscribe(db: DbOrTrx, userId: number, surveyId: number): Promise<void> {
	await db
		.deleteFrom('report_subscriptions')
		.where('user_id', '=', userId)
		.where('survey_id', '=', surveyId)
		.execute();
}

/** Surveys a user can subscribe to (not templates, not archived). */
export async function subscribableSurveys(db: DbOrTrx): Promise<{ id: number; title: string }[]> {
	return db
		.selectFrom('surveys')
		.select(['id', 'title'])
		.where('is_template', '=', false)
		.where('archived_at', 'is', null)
		.orderBy('title')
		.execute();
}

/** Active users, for the admin's "subscribe someone" picker. */
export async function activeUsers(
	db: DbOrTrx
): Promise<{ id: number; name: string; email: string }[]> {
	return db
		.selectFrom('users')
		.select(['id', 'name', 'email'])
		.where('disabled_at', 'is', null)
		.orderBy('email')
		.execute();
}
