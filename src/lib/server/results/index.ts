import type { Trx } from '../db';
import { enqueue } from './rollups';
import { openIfRuleHolds, type KnownResponse } from './followups';
import * as assignment from '../assignment';
import * as webhooks from '../webhooks';

export {
	rebuild,
	rebuildForCustomer,
	rebuildSurvey,
	flush as flushRollups,
	nudge as nudgeRollups
} from './rollups';
export {
	dashboard,
	surveysWithResults,
	surveyInfo,
	surveyTopics,
	topicSeries,
	headline,
	waves,
	inRange,
	SurveyNotFoundError,
	type Dashboard,
	type TopicSeries,
	type TopicPoint,
	type WaveSummary,
	type WaveRef,
	type SurveyWithResults
} from './dashboard';
export {
	topicDetail,
	questionDetail,
	surveyQuestions,
	columnKey,
	NotFoundError,
	type QuestionDetail,
	type TopicDetail,
	type QuestionMeta
} from './drill';
export { UnknownSegmentError, narrows } from './filters';
export { dashboardView, type DashboardView } from './view';
export * as comments from './comments';
export * as followups from './followups';
export type { KnownResponse, RuleRow } from './followups';
export * as exporter from './export';

/**
 * Called by the responses domain inside the transaction that marks a response complete:
 * queues the response for the rollups (folded in by flushRollups a moment later) and opens a
 * follow-up when an answer meets the survey's rule. Safe to call twice for one response.
 */
export async function onResponseCompleted(
	trx: Trx,
	responseId: number,
	/** what the caller knows of the response already (saves the rule's look-ups) */
	known?: KnownResponse
): Promise<void> {
	// The three steps are independent, so their statements go out together (postgres.js pipelines
	// concurrent queries on the transaction's connection): fewer round trips on the submit path.
	await Promise.all([
		(async () => {
			const followUpId = await openIfRuleHolds(trx, responseId, known);
			// issue 10: webhooks out, follow-up assignment and the owner's e-mail (idempotent too)
			await assignment.afterResponseCompleted(trx, responseId, followUpId, new Date());
		})(),
		// read once per transaction; asked now, they share the round trip of the follow-up's insert
		webhooks.subscribed(trx, 'response.completed'),
		assignment.getRule(trx),
		// The rollup rows are shared by every submit of a wave: updating them here would serialize
		// concurrent submits on their row locks (P1), so the response is only queued.
		enqueue(trx, responseId)
	]);
}
