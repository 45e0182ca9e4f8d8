import type { Db } from '../db';
import type { Access, Target } from './access';
import {
	amend,
	loadAnswers,
	readPosted,
	savePage,
	start,
	type Intent,
	type SaveResult
} from './save';
import { validateAnswers, type PageErrors } from '$lib/schemas/responses';
import type { Answers } from '$lib/survey/answers';
import { fieldName, readPage } from '$lib/survey/form';
import type { SurveyView } from '$lib/survey/view';
import { nextSection, visibleSections } from '$lib/survey/navigation';

type OpenAccess = Extract<Access, { kind: 'open' }>;

/** The view of an open link: intro, the page where the respondent stopped, or thank-you. */
export async function view(db: Db, access: OpenAccess): Promise<SurveyView> {
	const { version, response, target } = access;
	const def = version.definition;
	const base = {
		definition: def,
		locale: target.locale,
		closesAt: target.closesAt?.toISOString() ?? null,
		draftKey: target.draftKey,
		anonymous: target.anonymous,
		transactional: target.surveyKind === 'transactional',
		answers: {},
		others: {},
		savedAt: null,
		answersSaved: false,
		section: 0
	};
	if (!response) return { ...base, step: 'intro' };
	if (response.status === 'complete')
		return {
			...base,
			step: 'done',
			savedAt: response.updatedAt.toISOString(),
			answersSaved: true
		};
	const saved = await loadAnswers(db, version, response.id);
	const shown = visibleSections(def, saved.answers);
	// resume where the respondent stopped (or at the next page that still shows)
	let section = response.currentSection;
	if (!shown.includes(section))
		section = nextSection(def, saved.answers, section) ?? shown.at(-1) ?? 0;
	return {
		...base,
		step: 'page',
		section,
		answers: saved.answers,
		others: saved.others,
		savedAt: response.updatedAt.toISOString(),
		answersSaved: Object.keys(saved.answers).length > 0
	};
}

export type PostOutcome =
	/** saved; `appeared`: new questions showed up on the same page (server-side logic) */
	| { kind: 'moved'; appeared: boolean }
	| { kind: 'done' }
	| { kind: 'invalid'; section: number; errors: PageErrors };

function outcome(r: SaveResult): PostOutcome {
	if (r.kind === 'complete') return { kind: 'done' };
	if (r.kind === 'invalid') return r;
	return { kind: 'moved', appeared: r.appeared };
}

/** Handles a posted page (Next/Back/Submit) of an open link; starts the response if needed. */
export async function post(
	db: Db,
	access: OpenAccess,
	form: FormData,
	intent: Intent,
	opts: { now: Date; ip: string }
): Promise<PostOutcome> {
	const section = Number(form.get('section'));
	const entries = [...form.entries()];
	// a tampered post is refused before anything is written
	const posted = readPosted(access.version, Number.isInteger(section) ? section : -1, entries);
	// an invitation's first post starts its response inside the save transaction
	const responseId =
		access.response?.id ??
		(access.target.invitationId !== null
			? null
			: await start(db, access.target, { now: opts.now, ip: opts.ip }));
	const shownRaw = form.get('shown');
	const shown = typeof shownRaw === 'string' ? shownRaw.split(',').filter(Boolean) : null;
	const r = await savePage(db, {
		version: access.version,
		target: access.target,
		responseId,
		sectionIndex: Number.isInteger(section) ? section : -1,
		entries,
		posted,
		shown,
		intent,
		now: opts.now
	});
	return outcome(r);
}

/**
 * The one-question flow: records the first page's answer (a POST), completing the response when
 * nothing else shows; an already completed response is changed instead (the wave is open).
 */
export async function answerOne(
	db: Db,
	access: OpenAccess,
	form: FormData,
	opts: { now: Date; ip: string }
): Promise<PostOutcome> {
	const target: Target = access.target;
	const entries = [...form.entries()];
	readPosted(access.version, 0, entries);
	const responseId = access.response?.id ?? (await start(db, target, opts));
	if (access.response?.status === 'complete') {
		const r = await amend(db, {
			version: access.version,
			target,
			responseId,
			entries,
			now: opts.now
		});
		return outcome(r);
	}
	const r = await savePage(db, {
		version: access.version,
		target,
		responseId,
		sectionIndex: 0,
		entries,
		shown: null,
		intent: 'next',
		now: opts.now
	});
	return outcome(r);
}

export { start };
export type { SurveyView };

/**
 * The one-question page: the first page with the answer from the e-mail link (`v`) filled in,
 * nothing recorded until the respondent presses the button (a GET never changes data).
 */
export async function answerView(
	db: Db,
	access: OpenAccess,
	v: string | null
): Promise<{ view: SurveyView; recorded: boolean }> {
	const base = await view(db, access);
	const def = access.version.definition;
	const first = def.sections[0]?.questions[0];
	const saved = access.response
		? await loadAnswers(db, access.version, access.response.id)
		: { answers: {}, others: {} };
	const answers: Answers = { ...saved.answers };
	if (first && v !== null && v.length <= 100) {
		const read = readPage([first], [[fieldName(first.id), v]]);
		const checked = validateAnswers(
			[first],
			read.answers,
			{},
			{
				enforceRequired: false,
				language: def.language
			}
		);
		if (checked.ok && checked.answers[first.id] !== undefined)
			answers[first.id] = checked.answers[first.id];
	}
	return {
		view: { ...base, step: 'page', section: 0, answers, others: saved.others },
		recorded: access.response?.status === 'complete'
	};
}
