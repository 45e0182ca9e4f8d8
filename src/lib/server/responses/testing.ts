import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import { json } from '../db/json';
import { randomToken, sha256 } from '../crypto';
import { projectQuestions } from '../surveys/published';
import { definitionSchema, type DefinitionInput } from '$lib/schemas/survey';

// Test-only: creates an invitation so end-to-end tests can open a survey link. Reached only
// through /s/test-invitation, which answers 404 unless SOUNDINGS_ENV=test and the caller is on
// this machine (docs/operations.md).

/** The three-page sample survey (one logic rule: "not satisfied" asks what went wrong). */
export function sampleSurvey(): DefinitionInput {
	const q = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
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
						id: q(1),
						type: 'yesno',
						prompt: 'Were you satisfied with the whole process?',
						required: true,
						topic: 'service',
						scored: true
					},
					{
						id: q(2),
						type: 'long_text',
						prompt: 'What went wrong?',
						topic: 'service',
						logic: { mode: 'all', conditions: [{ question: q(1), op: 'equals', value: false }] }
					}
				]
			},
			{
				id: randomUUID(),
				title: 'Value and delivery',
				questions: [
					{
						id: q(3),
						type: 'likert',
						prompt: 'Our prices are fair for what you get.',
						points: 5,
						labels: ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'],
						required: true,
						topic: 'value-for-money',
						scored: true
					},
					{
						id: q(4),
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
						id: q(5),
						type: 'nps',
						prompt: 'How likely are you to recommend us to a friend?',
						required: true,
						topic: 'brand-attachment',
						scored: true
					},
					{
						id: q(6),
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
					{ id: q(7), type: 'short_text', prompt: 'Anything else?', maxLength: 200 }
				]
			}
		]
	};
}

/** A published sample survey with an open (or closed) wave and one invitation; the raw token. */
export async function seedInvitation(
	db: Db,
	opts: {
		closed?: boolean;
		publicEnabled?: boolean;
		/** a one-question survey (the sample's first page), kind transactional */
		transactional?: boolean;
		definition?: DefinitionInput;
		/** the survey's language code (the sample's texts stay as they are) */
		language?: string;
	} = {}
): Promise<{ token: string; surveyId: number; invitationId: number }> {
	const sample = sampleSurvey();
	if (opts.transactional) sample.sections = sample.sections.slice(0, 1);
	if (opts.language) sample.language = opts.language;
	const definition = definitionSchema.parse(opts.definition ?? sample);
	return db.transaction().execute(async (trx) => {
		const survey = await trx
			.insertInto('surveys')
			.values({
				title: definition.title,
				language: definition.language,
				kind: opts.transactional ? 'transactional' : 'periodic',
				public_enabled: opts.publicEnabled ?? false
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
		const token = randomToken();
		const customer = await trx
			.insertInto('customers')
			.values({ external_id: `test-${token.slice(0, 12)}`, email: null, name: 'Test respondent' })
			.returning('id')
			.executeTakeFirstOrThrow();
		const wave = await trx
			.insertInto('waves')
			.values({
				survey_id: survey.id,
				version_id: version.id,
				kind: 'manual',
				name: 'Test wave',
				scheduled_for: new Date(),
				status: opts.closed ? 'closed' : 'open',
				closes_at: new Date(Date.now() + 14 * 86_400_000)
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const inv = await trx
			.insertInto('invitations')
			.values({
				wave_id: wave.id,
				customer_id: customer.id,
				token_hash: sha256(token),
				sent_at: new Date()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		return { token, surveyId: survey.id, invitationId: inv.id };
	});
}
