import type { Definition } from '$lib/schemas/survey';
import type { Answers } from './answers';

/** What a respondent page renders (serialisable; the definition drives live logic in the browser). */
export interface SurveyView {
	step: 'intro' | 'page' | 'done';
	definition: Definition;
	section: number;
	answers: Answers;
	others: Record<string, string>;
	/** when the server last saved this response (ISO), null before the first save */
	savedAt: string | null;
	/** whether any answer of this response is saved (a started but unanswered one has none) */
	answersSaved: boolean;
	/** the respondent's locale, for dates and numbers */
	locale: string;
	closesAt: string | null;
	/** a non-secret key for drafts kept in the browser's sessionStorage */
	draftKey: string;
	anonymous: boolean;
	transactional: boolean;
}
