import type { Trx } from '../db';
import { enqueue } from './completions';
import { openIfRuleHolds, type KnownResponse } from './followups';

export { rebuild, rebuildForCustomer, rebuildSurvey } from './rollups';
export { flush as flushCompletions, nudge as nudgeCompletions } from './completions';
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
 * Called by the responses domain inside the transaction that marks a response complete: opens a
 * follow-up when an answer meets the survey's rule and queues the response for the rollups, the
 * webhooks and the follow-up's assignment (done by flushCompletions a moment later). Safe to call
 * twice for one response.
 */
export async function onResponseCompleted(
	trx: Trx,
	responseId: number,
	/** what the caller knows of the response already (saves the rule's look-ups) */
	known?: KnownResponse
): Promise<void> {
	// independent: their statements go out together (postgres.js pipelines a transaction's queries)
	await Promise.all([openIfRuleHolds(trx, responseId, known), enqueue(trx, responseId)]);
}
