import type { Db } from '$lib/server/db';
import * as results from '$lib/server/results';
import { toRows } from '$lib/server/responses';
import type { PublishedVersion } from '$lib/server/surveys/published';
import type { Answers } from '$lib/survey/answers';
import { createCustomers, createOpenWave } from './fixtures';

/**
 * A wave of the sample survey with one complete response per answer set, counted in the rollups
 * as a real submit would (results.onResponseCompleted, then the flush). Returns the wave and its answers' ids.
 */
export async function seedWave(
	db: Db,
	input: {
		surveyId: number;
		version: PublishedVersion;
		name: string;
		answers: Answers[];
		/** invited customers beyond the respondents */
		extraInvited?: number;
		scheduledFor: Date;
		prefix: string;
	}
): Promise<{ waveId: number; responseIds: number[] }> {
	const n = input.answers.length + (input.extraInvited ?? 0);
	const customerIds = await createCustomers(db, n, input.prefix);
	const wave = await createOpenWave(db, {
		surveyId: input.surveyId,
		versionId: input.version.id,
		customerIds
	});
	await db
		.updateTable('waves')
		.set({ name: input.name, scheduled_for: input.scheduledFor, invited_count: n })
		.where('id', '=', wave.waveId)
		.execute();
	const responseIds: number[] = [];
	for (const [i, answers] of input.answers.entries()) {
		await db.transaction().execute(async (trx) => {
			const r = await trx
				.insertInto('responses')
				.values({
					invitation_id: wave.invitationIds[i],
					survey_id: input.surveyId,
					version_id: input.version.id,
					wave_id: wave.waveId,
					customer_id: customerIds[i],
					status: 'complete',
					completed_at: new Date(input.scheduledFor.getTime() + i * 1000)
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			const rows = toRows(input.version, r.id, answers, {});
			if (rows.length) await trx.insertInto('answers').values(rows).execute();
			await results.onResponseCompleted(trx, r.id);
			responseIds.push(r.id);
		});
	}
	await results.flushCompletions(db);
	return { waveId: wave.waveId, responseIds };
}

/** Closes a wave as the scheduler does. */
export async function closeWave(db: Db, waveId: number, at: Date): Promise<void> {
	await db
		.updateTable('waves')
		.set({ status: 'closed', closed_at: at })
		.where('id', '=', waveId)
		.execute();
}
