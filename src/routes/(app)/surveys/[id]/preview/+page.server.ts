import { error } from '@sveltejs/kit';
import { z } from 'zod';
import type { PageServerLoad } from './$types';
import { allQuestions } from '$lib/schemas/survey';
import type { Answers } from '$lib/survey/answers';
import { readPage } from '$lib/survey/form';
import { requireUser } from '$lib/server/auth';
import * as surveys from '$lib/server/surveys';
import * as runtime from '$lib/server/runtime';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

// The preview is a GET form: answers travel in the URL, so page navigation and display logic work
// without JavaScript (the server evaluates the logic) and nothing is stored.
export const load: PageServerLoad = async (event) => {
	requireUser(event);
	const id = idParam.safeParse(event.params.id);
	if (!id.success) error(404, { message: 'That survey does not exist.' });
	const db = runtime.db();
	let survey: surveys.SurveyDetail;
	try {
		survey = await surveys.get(db, id.data);
	} catch (e) {
		if (e instanceof surveys.SurveyNotFoundError) error(404, { message: e.message });
		throw e;
	}
	const params = event.url.searchParams;
	const v = Number(params.get('v'));
	const definition =
		(Number.isInteger(v) && v > 0 ? await surveys.versionDefinition(db, id.data, v) : undefined) ??
		survey.current;
	const questions = allQuestions(definition).map((x) => x.question);
	const read = readPage(questions, params.entries());
	const page = params.get('page');
	return {
		surveyId: survey.id,
		version: Number.isInteger(v) && v > 0 ? v : null,
		definition,
		answers: read.answers as Answers,
		others: read.others,
		requested: page === 'done' ? ('done' as const) : Math.max(0, Number(page) || 0),
		width: params.get('width') === 'phone' ? ('phone' as const) : ('desktop' as const)
	};
};
