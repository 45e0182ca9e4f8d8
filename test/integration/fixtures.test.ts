import { describe, expect, it } from 'vitest';
import { findInvitationByToken } from '$lib/server/scheduling/tokens';
import { latestPublishedVersionId } from '$lib/server/surveys/published';
import { Q, createCustomers, createOpenWave, createPublishedSurvey } from '../helpers/fixtures';
import { useTestDb } from '../helpers/db';

const ctx = useTestDb();

describe('published versions and invitation tokens', () => {
	it('projects every question of a published version with its topic, and finds it as latest', async () => {
		const { surveyId, versionId, version } = await createPublishedSurvey(ctx.db);
		expect(await latestPublishedVersionId(ctx.db, surveyId)).toBe(versionId);
		expect(version.questionIds.size).toBe(7);
		const rows = await ctx.db
			.selectFrom('questions')
			.innerJoin('topics', 'topics.id', 'questions.topic_id')
			.select(['questions.lineage', 'topics.key'])
			.where('questions.version_id', '=', versionId)
			.orderBy('questions.position')
			.execute();
		expect(rows[0]).toEqual({ lineage: Q.satisfied, key: 'service' });
	});

	it('resolves a link token to its invitation, and nothing for a wrong token', async () => {
		const { surveyId, versionId } = await createPublishedSurvey(ctx.db);
		const customers = await createCustomers(ctx.db, 2);
		const wave = await createOpenWave(ctx.db, { surveyId, versionId, customerIds: customers });
		const found = await findInvitationByToken(ctx.db, wave.tokens[1]);
		expect(found?.invitationId).toBe(wave.invitationIds[1]);
		expect(found?.waveStatus).toBe('open');
		// one character different (a fixed replacement would leave a token ending in it unchanged)
		const token = wave.tokens[1];
		const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
		expect(await findInvitationByToken(ctx.db, wrong)).toBeUndefined();
		expect(await findInvitationByToken(ctx.db, "'; drop table invitations; --")).toBeUndefined();
	});
});
