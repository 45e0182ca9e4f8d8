import { randomUUID } from 'node:crypto';
import type { Db } from '$lib/server/db';
import { json } from '$lib/server/db/json';
import { randomToken, sha256 } from '$lib/server/crypto';
import { definitionSchema, type DefinitionInput } from '$lib/schemas/survey';
import {
	loadPublished,
	projectQuestions,
	type PublishedVersion
} from '$lib/server/surveys/published';

/** Fixed lineage ids for the sample survey, so tests can name questions. */
export const Q = {
	satisfied: '00000000-0000-4000-8000-000000000001',
	whatWrong: '00000000-0000-4000-8000-000000000002',
	value: '00000000-0000-4000-8000-000000000003',
	delivery: '00000000-0000-4000-8000-000000000004',
	nps: '00000000-0000-4000-8000-000000000005',
	payment: '00000000-0000-4000-8000-000000000006',
	comment: '00000000-0000-4000-8000-000000000007'
} as const;

/** A three-page survey with several types, topics and one logic rule ("if not satisfied, ask why"). */
export function sampleDefinition(): DefinitionInput {
	return {
		title: 'Sample quarterly survey',
		language: 'en',
		intro: 'Tell us how we are doing.',
		thankYou: 'Thank you!',
		cta: { label: 'Shop again', url: 'https://shop.example.com' },
		sections: [
			{
				id: randomUUID(),
				title: 'Your order',
				questions: [
					{
						id: Q.satisfied,
						type: 'yesno',
						prompt: 'Were you satisfied with the whole process?',
						required: true,
						topic: 'service',
						scored: true
					},
					{
						id: Q.whatWrong,
						type: 'long_text',
						prompt: 'What went wrong?',
						topic: 'service',
						logic: {
							mode: 'all',
							conditions: [{ question: Q.satisfied, op: 'equals', value: false }]
						}
					}
				]
			},
			{
				id: randomUUID(),
				title: 'Value and delivery',
				questions: [
					{
						id: Q.value,
						type: 'likert',
						prompt: 'Our prices are fair for what you get.',
						points: 5,
						labels: ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'],
						required: true,
						topic: 'value-for-money',
						scored: true
					},
					{
						id: Q.delivery,
						type: 'matrix',
						prompt: 'How do you rate our delivery?',
						points: 5,
						labels: ['Very poor', 'Poor', 'Fair', 'Good', 'Very good'],
						items: [
							{ key: 'speed', label: 'Speed' },
							{ key: 'packaging', label: 'Packaging' }
						],
						topic: 'shipping-delivery',
						scored: true
					}
				]
			},
			{
				id: randomUUID(),
				title: 'Overall',
				questions: [
					{
						id: Q.nps,
						type: 'nps',
						prompt: 'How likely are you to recommend us to a friend?',
						required: true,
						topic: 'brand-attachment',
						scored: true
					},
					{
						id: Q.payment,
						type: 'multiple',
						prompt: 'Which payment options would you like?',
						options: [
							{ value: 'card', label: 'Card' },
							{ value: 'invoice', label: 'Invoice' },
							{ value: 'paypal', label: 'PayPal' }
						],
						other: true,
						topic: 'payment-options'
					},
					{ id: Q.comment, type: 'short_text', prompt: 'Anything else?', maxLength: 200 }
				]
			}
		]
	};
}

/** Inserts a survey with one published version (as publishing would) and returns it loaded. */
export async function createPublishedSurvey(
	db: Db,
	def: DefinitionInput = sampleDefinition(),
	opts: { kind?: 'periodic' | 'transactional' } = {}
): Promise<{ surveyId: number; versionId: number; version: PublishedVersion }> {
	const definition = definitionSchema.parse(def);
	return db.transaction().execute(async (trx) => {
		const survey = await trx
			.insertInto('surveys')
			.values({
				title: definition.title,
				kind: opts.kind ?? 'periodic',
				language: definition.language
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const version = await trx
			.insertInto('survey_versions')
			.values({
				survey_id: survey.id,
				number: 1,
				status: 'published',
				definition: json(definition),
				published_at: new Date()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await projectQuestions(trx, version.id, definition);
		const loaded = await loadPublished(trx, version.id);
		return { surveyId: survey.id, versionId: version.id, version: loaded! };
	});
}

/** Customers with e-mail addresses c1@example.com …; returns their ids. */
export async function createCustomers(db: Db, n: number, prefix = 'c'): Promise<number[]> {
	const rows = await db
		.insertInto('customers')
		.values(
			Array.from({ length: n }, (_, i) => ({
				external_id: `${prefix}${i + 1}`,
				email: `${prefix}${i + 1}@example.com`,
				name: `Customer ${i + 1}`
			}))
		)
		.returning('id')
		.execute();
	return rows.map((r) => r.id);
}

/** An open wave of the survey with one invitation per customer; returns the raw link tokens. */
export async function createOpenWave(
	db: Db,
	input: { surveyId: number; versionId: number; customerIds: number[]; closesAt?: Date | null }
): Promise<{ waveId: number; tokens: string[]; invitationIds: number[] }> {
	const wave = await db
		.insertInto('waves')
		.values({
			survey_id: input.surveyId,
			version_id: input.versionId,
			kind: 'manual',
			name: 'Test wave',
			scheduled_for: new Date(),
			status: 'open',
			closes_at:
				input.closesAt === undefined ? new Date(Date.now() + 14 * 86_400_000) : input.closesAt
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const tokens = input.customerIds.map(() => randomToken());
	const invitations = input.customerIds.length
		? await db
				.insertInto('invitations')
				.values(
					input.customerIds.map((customer_id, i) => ({
						wave_id: wave.id,
						customer_id,
						token_hash: sha256(tokens[i]),
						sent_at: new Date()
					}))
				)
				.returning('id')
				.execute()
		: [];
	return { waveId: wave.id, tokens, invitationIds: invitations.map((r) => r.id) };
}
