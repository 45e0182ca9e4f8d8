import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { allQuestions, type Question } from '$lib/schemas/survey';
import {
	directionSchema,
	logicFromForm,
	optionsFormSchema,
	questionFromForm,
	sectionFormSchema,
	settingsFormSchema,
	typeSchema,
	uuidField
} from '$lib/schemas/authoring';
import { can, requireRole, requireUser } from '$lib/server/auth';
import { fieldErrors, formObject, readForm } from '$lib/server/forms';
import * as surveys from '$lib/server/surveys';
import * as topics from '$lib/server/topics';
import * as runtime from '$lib/server/runtime';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

function surveyId(event: { params: { id: string } }): number {
	const id = idParam.safeParse(event.params.id);
	if (!id.success) error(404, { message: 'That survey does not exist.' });
	return id.data;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const id = surveyId(event);
	const db = runtime.db();
	let survey: surveys.SurveyDetail;
	try {
		survey = await surveys.get(db, id);
	} catch (e) {
		if (e instanceof surveys.SurveyNotFoundError) error(404, { message: e.message });
		throw e;
	}
	const allTopics = await topics.list(db, { archived: true });
	return {
		survey,
		topics: allTopics.map((t) => ({
			key: t.key,
			name: t.name,
			colour: t.colour,
			archived: !!t.archivedAt
		})),
		canEdit: can(user, 'editor') && !!survey.draft && !survey.archivedAt,
		isEditor: can(user, 'editor'),
		open: event.url.searchParams.get('q') ?? '',
		imported: event.url.searchParams.has('imported')
	};
};

/** Runs one editor action: role check, form read, domain errors mapped to messages. */
async function act<T>(
	event: RequestEvent,
	fn: (ctx: { id: number; data: FormData; userId: number }) => Promise<T>
) {
	const user = requireRole(event, 'editor');
	const id = surveyId(event);
	const data = await readForm(event.request);
	if (!data) return fail(400, { message: 'The form could not be read: try again.' });
	const target = String(data.get('id') ?? data.get('section') ?? '') || undefined;
	try {
		return (await fn({ id, data, userId: user.id })) ?? { saved: 'Saved.', target };
	} catch (e) {
		if (e instanceof surveys.QuestionInvalidError)
			return fail(400, {
				message: 'The question was not saved: fix the fields marked below.',
				errors: e.errors,
				target,
				open: target,
				values: formObject(data)
			});
		if (e instanceof surveys.PublishError)
			return fail(400, { message: 'This version cannot be published yet:', problems: e.problems });
		if (e instanceof surveys.EditError)
			return fail(400, {
				message: e.message,
				target,
				errors: e.field ? { [e.field]: e.message } : undefined
			});
		if (e instanceof surveys.NotEditableError) return fail(409, { message: e.message });
		if (e instanceof surveys.SurveyNotFoundError) error(404, { message: e.message });
		throw e;
	}
}

const uuid = (data: FormData, key = 'id') => {
	const r = uuidField.safeParse(data.get(key));
	if (!r.success) throw new surveys.EditError('Unknown item: reload the page.');
	return r.data;
};
const dir = (data: FormData) => directionSchema.catch('down').parse(data.get('dir'));

async function current(id: number) {
	const s = await surveys.get(runtime.db(), id);
	if (!s.draft) throw new surveys.NotEditableError('This version is published and cannot change.');
	return s.draft.definition;
}

export const actions = {
	settings: (event) =>
		act(event, async ({ id, data }) => {
			const values = formObject(data);
			const parsed = settingsFormSchema.safeParse(values);
			const errors: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error);
			if (parsed.success) {
				const { ctaLabel, ctaUrl } = parsed.data;
				if (ctaLabel && !ctaUrl) errors.ctaUrl = 'Give the link of the button, or clear its label.';
				if (ctaUrl && !ctaLabel) errors.ctaLabel = 'Give the button a label, or clear the link.';
				if (ctaUrl && !/^https?:\/\/[^\s]+\.[^\s]+$/i.test(ctaUrl))
					errors.ctaUrl = 'The link must be an http(s) URL, like https://shop.example.com.';
			}
			if (!parsed.success || Object.keys(errors).length)
				return fail(400, {
					message: 'The settings were not saved: fix the fields marked below.',
					settingsErrors: errors,
					values
				});
			const { ctaLabel, ctaUrl, ...rest } = parsed.data;
			await surveys.saveSettings(runtime.db(), id, {
				...rest,
				cta: ctaLabel ? { label: ctaLabel, url: ctaUrl } : null
			});
			return { saved: 'Survey settings saved.' };
		}),
	options: async (event) => {
		// unversioned options may change after publishing, so they do not need a draft
		requireRole(event, 'editor');
		const id = surveyId(event);
		const data = await readForm(event.request);
		if (!data) return fail(400, { message: 'The form could not be read: try again.' });
		const parsed = optionsFormSchema.safeParse(formObject(data));
		let s: surveys.SurveyDetail;
		try {
			s = await surveys.get(runtime.db(), id);
		} catch {
			error(404, { message: 'That survey does not exist.' });
		}
		const rule = logicFromForm(
			data,
			'fu_',
			allQuestions(s.current).map((x) => x.question)
		);
		const errors: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error);
		if (rule.error) errors.followUp = rule.error;
		if (!parsed.success || rule.error)
			return fail(400, { message: 'The options were not saved.', optionErrors: errors });
		try {
			await surveys.saveOptions(runtime.db(), id, { ...parsed.data, followUpRule: rule.logic });
		} catch (e) {
			if (e instanceof surveys.EditError)
				return fail(400, { message: e.message, optionErrors: { followUp: e.message } });
			throw e;
		}
		return { saved: 'Options saved.' };
	},
	addSection: (event) =>
		act(event, async ({ id }) => {
			const section = await surveys.addSection(runtime.db(), id);
			return { saved: 'Page added.', target: section };
		}),
	saveSection: (event) =>
		act(event, async ({ id, data }) => {
			const section = uuid(data, 'section');
			const parsed = sectionFormSchema.safeParse(formObject(data));
			if (!parsed.success)
				return fail(400, {
					message: 'The page was not saved.',
					target: section,
					errors: fieldErrors(parsed.error)
				});
			const def = await current(id);
			const s = def.sections.findIndex((x) => x.id === section);
			const earlier: Question[] = def.sections.slice(0, Math.max(0, s)).flatMap((x) => x.questions);
			const logic = logicFromForm(data, 'logic_', earlier);
			if (logic.error)
				return fail(400, { message: logic.error, target: section, errors: { logic: logic.error } });
			await surveys.saveSection(runtime.db(), id, section, { ...parsed.data, logic: logic.logic });
			return { saved: 'Page saved.', target: section };
		}),
	moveSection: (event) =>
		act(event, async ({ id, data }) => {
			await surveys.moveSection(runtime.db(), id, uuid(data, 'section'), dir(data));
		}),
	deleteSection: (event) =>
		act(event, async ({ id, data }) => {
			await surveys.deleteSection(runtime.db(), id, uuid(data, 'section'));
			return { saved: 'Page deleted.', undoable: true };
		}),
	addQuestion: (event) =>
		act(event, async ({ id, data }) => {
			const type = typeSchema.safeParse(data.get('type'));
			if (!type.success) return fail(400, { message: 'Choose a question type.' });
			const q = await surveys.addQuestion(runtime.db(), id, uuid(data, 'section'), type.data);
			return { saved: 'Question added: now write it.', target: q, open: q };
		}),
	saveQuestion: (event) =>
		act(event, async ({ id, data }) => {
			const qid = uuid(data);
			const def = await current(id);
			const flat = allQuestions(def).map((x) => x.question);
			const index = flat.findIndex((q) => q.id === qid);
			if (index < 0)
				throw new surveys.EditError('That question no longer exists: reload the page.');
			const logic = logicFromForm(data, 'logic_', flat.slice(0, index));
			if (logic.error) throw new surveys.QuestionInvalidError({ logic: logic.error });
			await surveys.saveQuestion(
				runtime.db(),
				id,
				questionFromForm(flat[index], data, logic.logic)
			);
			return { saved: 'Question saved.', target: qid };
		}),
	changeType: (event) =>
		act(event, async ({ id, data }) => {
			const qid = uuid(data);
			const type = typeSchema.safeParse(data.get('type'));
			if (!type.success) return fail(400, { message: 'Choose a question type.', target: qid });
			await surveys.changeType(runtime.db(), id, qid, type.data);
			return { saved: 'Type changed: check the settings.', target: qid, open: qid };
		}),
	duplicateQuestion: (event) =>
		act(event, async ({ id, data }) => {
			const copy = await surveys.duplicateQuestion(runtime.db(), id, uuid(data));
			return { saved: 'Question duplicated.', target: copy, open: copy };
		}),
	deleteQuestion: (event) =>
		act(event, async ({ id, data }) => {
			await surveys.deleteQuestion(runtime.db(), id, uuid(data));
			return { saved: 'Question deleted.', undoable: true };
		}),
	moveQuestion: (event) =>
		act(event, async ({ id, data }) => {
			const qid = uuid(data);
			await surveys.moveQuestion(runtime.db(), id, qid, dir(data));
			return { saved: 'Question moved.', target: qid };
		}),
	placeQuestion: (event) =>
		act(event, async ({ id, data }) => {
			const qid = uuid(data);
			const before = data.get('before') ? uuid(data, 'before') : null;
			await surveys.placeQuestion(runtime.db(), id, qid, uuid(data, 'section'), before);
			return { saved: 'Question moved.', target: qid };
		}),
	markNew: (event) =>
		act(event, async ({ id, data }) => {
			const fresh = await surveys.markNewQuestion(runtime.db(), id, uuid(data));
			return {
				saved: 'Marked as a new question: results will not join it with earlier versions.',
				target: fresh,
				open: fresh
			};
		}),
	undo: (event) =>
		act(event, async ({ id }) => {
			await surveys.undoDelete(runtime.db(), id);
			return { saved: 'Restored.' };
		}),
	publish: (event) =>
		act(event, async ({ id, userId }) => {
			const r = await surveys.publish(runtime.db(), id, userId);
			return { saved: `Version ${r.number} is published.`, published: r.number };
		}),
	newDraft: (event) =>
		act(event, async ({ id }) => {
			const r = await surveys.newDraft(runtime.db(), id);
			return {
				saved: `Draft version ${r.number} opened: edits do not touch the published version.`
			};
		}),
	discardDraft: (event) =>
		act(event, async ({ id }) => {
			await surveys.discardDraft(runtime.db(), id);
			return { saved: 'Draft discarded.' };
		}),
	archive: (event) =>
		act(event, async ({ id, userId }) => {
			await surveys.archive(runtime.db(), id, userId);
			return { saved: 'Survey archived: its versions, waves and answers are kept.' };
		}),
	unarchive: (event) =>
		act(event, async ({ id }) => {
			await surveys.unarchive(runtime.db(), id);
			return { saved: 'Survey restored.' };
		}),
	saveTemplate: (event) =>
		act(event, async ({ id, data, userId }) => {
			const name = z
				.string()
				.trim()
				.min(1, 'Give the template a name.')
				.max(300)
				.safeParse(data.get('name'));
			if (!name.success)
				return fail(400, { message: name.error.issues[0].message, templateError: true });
			await surveys.saveAsTemplate(runtime.db(), id, { userId, name: name.data });
			return { saved: `Saved as the template “${name.data}”: find it under New survey.` };
		})
} satisfies Actions;
