// The respondent's side: token and public-link access, page-by-page saving, idempotent submit.
export { byToken, byPublicLink, findResponse, PROBE_LIMIT, PUBLIC_START_LIMIT } from './access';
export type { Access, Target, ResponseState } from './access';
export {
	start,
	savePage,
	amend,
	loadAnswers,
	readPosted,
	TamperedFormError,
	RateLimitedError
} from './save';
export type { Intent, SaveResult } from './save';
export { view, post, answerOne, answerView } from './flow';
export type { SurveyView, PostOutcome } from './flow';
export { toRows, fromRows } from './rows';
