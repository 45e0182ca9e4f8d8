import type { Trx } from '../db';
import { addResponse } from './rollups';
import { openIfRuleHolds } from './followups';
import * as assignment from '../assignment';

export { rebuild, rebuildForCustomer, rebuildSurvey, addResponse } from './rollups';
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
export * as exporter from './export';

/**
 * Called by the responses domain inside the transaction that marks a response complete:
 * updates the rollups and opens a follow-up when an answer meets the survey's rule.
 * Safe to call twice for one response (the second call changes nothing).
 */
export async function onResponseCompleted(trx: Trx, responseId: number): Promise<void> {
	const opened = await openIfRuleHolds(trx, responseId);
	// issue 10: webhooks out, follow-up assignment and the owner's e-mail (idempotent too)
	await assignment.afterResponseCompleted(trx, responseId, opened, new Date());
	// Last: the rollup rows are shared by every submit of the wave, and their row locks are held
	// until commit, so updating them at the end keeps concurrent submits from queueing (P1).
	await addResponse(trx, responseId);
}
