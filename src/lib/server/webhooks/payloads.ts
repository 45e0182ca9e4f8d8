import type { DbOrTrx } from '../db';
import { enqueue, subscribed } from './queue';

// The JSON payloads of webhook events: what a CRM or help desk needs to act, without secrets
// (no tokens). Built when the event happens, so a retry sends the same bytes.

async function customerOf(db: DbOrTrx, customerId: number | null) {
	if (!customerId) return null;
	const c = await db
		.selectFrom('customers')
		.select(['external_id', 'email', 'name', 'erased_at'])
		.where('id', '=', customerId)
		.executeTakeFirst();
	if (!c || c.erased_at) return null;
	return { external_id: c.external_id, email: c.email, name: c.name };
}

/** Queues response.completed for a response (call in the transaction that completed it). */
export async function responseCompleted(
	db: DbOrTrx,
	responseId: number,
	now: Date
): Promise<number> {
	if (!(await subscribed(db, 'response.completed'))) return 0;
	const r = await db
		.selectFrom('responses')
		.innerJoin('surveys', 'surveys.id', 'responses.survey_id')
		.select([
			'responses.id',
			'responses.survey_id',
			'responses.wave_id',
			'responses.customer_id',
			'responses.completed_at',
			'responses.anonymous',
			'surveys.title'
		])
		.where('responses.id', '=', responseId)
		.executeTakeFirst();
	if (!r) return 0;
	const answers = await db
		.selectFrom('answers')
		.innerJoin('questions', 'questions.id', 'answers.question_id')
		.select([
			'answers.lineage',
			'answers.item',
			'answers.value',
			'answers.score',
			'answers.text',
			'questions.prompt',
			'questions.type'
		])
		.where('answers.response_id', '=', responseId)
		.orderBy('questions.position')
		.orderBy('answers.item')
		.execute();
	return enqueue(
		db,
		'response.completed',
		// a changed answer (completed again) is a new event; a repeated call for one completion is not
		`${responseId}:${(r.completed_at ?? now).getTime()}`,
		{
			response: {
				id: r.id,
				completed_at: (r.completed_at ?? now).toISOString(),
				survey: { id: r.survey_id, title: r.title },
				wave_id: r.wave_id,
				customer: r.anonymous ? null : await customerOf(db, r.customer_id),
				answers: answers.map((a) => ({
					question: a.lineage,
					prompt: a.prompt,
					type: a.type,
					item: a.item || null,
					value: a.value === null ? null : Number(a.value),
					score: a.score === null ? null : Number(a.score),
					text: a.text
				}))
			}
		},
		now
	);
}

/** Queues follow_up.opened for a follow-up (call in the transaction that opened or assigned it). */
export async function followUpOpened(db: DbOrTrx, followUpId: number, now: Date): Promise<number> {
	if (!(await subscribed(db, 'follow_up.opened'))) return 0;
	const f = await db
		.selectFrom('follow_ups')
		.innerJoin('surveys', 'surveys.id', 'follow_ups.survey_id')
		.leftJoin('users', 'users.id', 'follow_ups.assignee_id')
		.select([
			'follow_ups.id',
			'follow_ups.response_id',
			'follow_ups.survey_id',
			'follow_ups.wave_id',
			'follow_ups.customer_id',
			'follow_ups.reason',
			'follow_ups.status',
			'follow_ups.created_at',
			'surveys.title',
			'users.id as assignee_id',
			'users.email as assignee_email',
			'users.name as assignee_name'
		])
		.where('follow_ups.id', '=', followUpId)
		.executeTakeFirst();
	if (!f) return 0;
	return enqueue(
		db,
		'follow_up.opened',
		String(followUpId),
		{
			follow_up: {
				id: f.id,
				status: f.status,
				reason: f.reason,
				opened_at: f.created_at.toISOString(),
				response_id: f.response_id,
				survey: { id: f.survey_id, title: f.title },
				wave_id: f.wave_id,
				customer: await customerOf(db, f.customer_id),
				assignee: f.assignee_id
					? { id: f.assignee_id, email: f.assignee_email, name: f.assignee_name }
					: null
			}
		},
		now
	);
}
