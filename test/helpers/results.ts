import type { Db } from '$lib/server/db';
import type { PublishedVersion } from '$lib/server/surveys/published';
import type { Answers } from '$lib/survey/answers';
import { scoreAnswer } from '$lib/survey/scoring';
import { flushCompletions, onResponseCompleted } from '$lib/server/results';

type Row = {
	question_id: number;
	lineage: string;
	item: string;
	value: number | null;
	score: number | null;
	text: string | null;
};

/** Answer rows as the respondent side stores them (see the results brief's row semantics). */
export function answerRows(version: PublishedVersion, answers: Answers): Row[] {
	const rows: Row[] = [];
	for (const [lineage, v] of Object.entries(answers)) {
		const q = version.questions.get(lineage);
		const qid = version.questionIds.get(lineage);
		if (!q || qid === undefined) continue;
		const base = { question_id: qid, lineage, item: '', value: null, score: null, text: null };
		const scored = (value: number, option?: string) => scoreAnswer(q, value, option)?.score ?? null;
		switch (q.type) {
			case 'likert':
			case 'rating':
			case 'nps':
			case 'number':
				rows.push({ ...base, value: Number(v), score: scored(Number(v)) });
				break;
			case 'yesno':
				rows.push({ ...base, value: v ? 1 : 0, score: scored(v ? 1 : 0) });
				break;
			case 'single':
				rows.push({ ...base, item: String(v), score: scored(0, String(v)) });
				break;
			case 'multiple':
				for (const o of v as string[]) rows.push({ ...base, item: o });
				break;
			case 'ranking':
				(v as string[]).forEach((o, i) => rows.push({ ...base, item: o, value: i + 1 }));
				break;
			case 'matrix':
				for (const [item, p] of Object.entries(v as Record<string, number>))
					rows.push({ ...base, item, value: p, score: scored(p) });
				break;
			default:
				rows.push({ ...base, text: String(v) });
		}
	}
	return rows;
}

/** Stores a complete response and runs the results hook in the same transaction, like submit. */
export async function submit(
	db: Db,
	input: {
		version: PublishedVersion;
		waveId: number | null;
		customerId: number | null;
		answers: Answers;
		anonymous?: boolean;
		completedAt?: Date;
		/** fold the response into the rollups now (default), as the submitting instance does */
		flush?: boolean;
	}
): Promise<number> {
	const id = await db.transaction().execute(async (trx) => {
		const r = await trx
			.insertInto('responses')
			.values({
				survey_id: input.version.surveyId,
				version_id: input.version.id,
				wave_id: input.waveId,
				customer_id: input.customerId,
				status: 'complete',
				anonymous: input.anonymous ?? false,
				completed_at: input.completedAt ?? new Date()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const rows = answerRows(input.version, input.answers);
		if (rows.length)
			await trx
				.insertInto('answers')
				.values(rows.map((row) => ({ ...row, response_id: r.id })))
				.execute();
		await onResponseCompleted(trx, r.id);
		return r.id;
	});
	// as the instance that took a real submit does a moment later
	if (input.flush !== false) await flushCompletions(db);
	return id;
}
