import type { Db } from '$lib/server/db';
import { json } from '$lib/server/db/json';
import { randomToken, sha256 } from '$lib/server/crypto';
import { definitionSchema, type DefinitionInput } from '$lib/schemas/survey';
import { sampleSurvey } from '$lib/server/responses/testing';
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

/**
 * A three-page survey with several types, topics and one logic rule ("if not satisfied, ask why"):
 * the same one the test-only invitation hook publishes, its questions named by Q.
 */
export const sampleDefinition: () => DefinitionInput = sampleSurvey;

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
