import { describe, expect, it } from 'vitest';
import { definitionSchema, type Question } from '$lib/schemas/survey';
import * as surveys from '$lib/server/surveys';
import * as topics from '$lib/server/topics';
import * as demoSurveys from '$lib/server/demo/surveys';
import type { DemoContext } from '$lib/server/demo/context';
import { Q, sampleDefinition } from '../helpers/fixtures';
import { useTestDb } from '../helpers/db';

const ctx = useTestDb();

async function sampleSurvey() {
	return surveys.create(ctx.db, {
		userId: null,
		definition: definitionSchema.parse(sampleDefinition())
	});
}

async function questionOf(surveyId: number, lineage: string): Promise<Question> {
	const s = await surveys.get(ctx.db, surveyId);
	return s.current.sections.flatMap((x) => x.questions).find((q) => q.id === lineage)!;
}

describe('survey versions keep every answer meaningful', () => {
	it('after v2 rewords one question and marks another as new, v1 answers still point at v1 rows and the lineage joins', async () => {
		const id = await sampleSurvey();
		const v1 = await surveys.publish(ctx.db, id, null);
		expect(v1.number).toBe(1);
		expect(v1.changelog.from).toBeNull();

		// an answer recorded against the v1 question row
		const v1Value = await ctx.db
			.selectFrom('questions')
			.select(['id', 'prompt'])
			.where('version_id', '=', v1.versionId)
			.where('lineage', '=', Q.value)
			.executeTakeFirstOrThrow();
		const response = await ctx.db
			.insertInto('responses')
			.values({ survey_id: id, version_id: v1.versionId, status: 'complete' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await ctx.db
			.insertInto('answers')
			.values({ response_id: response.id, question_id: v1Value.id, lineage: Q.value, value: 4 })
			.execute();

		// edit: a draft v2 with the same lineage ids
		const draft = await surveys.newDraft(ctx.db, id);
		expect(draft.number).toBe(2);
		expect((await surveys.newDraft(ctx.db, id)).versionId).toBe(draft.versionId);
		const value = await questionOf(id, Q.value);
		await surveys.saveQuestion(ctx.db, id, {
			...value,
			prompt: 'Our prices are fair for the quality you get.'
		});
		const newPayment = await surveys.markNewQuestion(ctx.db, id, Q.payment);
		expect(newPayment).not.toBe(Q.payment);
		const v2 = await surveys.publish(ctx.db, id, null);
		expect(v2.number).toBe(2);

		// the old answer still points at its v1 row, in v1
		const answer = await ctx.db
			.selectFrom('answers')
			.innerJoin('questions', 'questions.id', 'answers.question_id')
			.select(['questions.version_id', 'questions.prompt', 'answers.value'])
			.where('answers.response_id', '=', response.id)
			.executeTakeFirstOrThrow();
		expect(answer).toEqual({
			version_id: v1.versionId,
			prompt: 'Our prices are fair for what you get.',
			value: 4
		});
		// the lineage joins the reworded question across both versions
		const lineage = await ctx.db
			.selectFrom('questions')
			.innerJoin('survey_versions', 'survey_versions.id', 'questions.version_id')
			.select(['survey_versions.number', 'questions.prompt'])
			.where('questions.lineage', '=', Q.value)
			.orderBy('survey_versions.number')
			.execute();
		expect(lineage).toEqual([
			{ number: 1, prompt: 'Our prices are fair for what you get.' },
			{ number: 2, prompt: 'Our prices are fair for the quality you get.' }
		]);
		// the question marked as new starts its own lineage
		const payment = await ctx.db
			.selectFrom('questions')
			.select('version_id')
			.where('lineage', '=', Q.payment)
			.execute();
		expect(payment.map((p) => p.version_id)).toEqual([v1.versionId]);
		const kinds = v2.changelog.entries.map((e) => `${e.kind}:${e.lineage ?? ''}`);
		expect(kinds).toContain(`reworded:${Q.value}`);
		expect(kinds).toContain(`added:${newPayment}`);
		expect(kinds).toContain(`removed:${Q.payment}`);
		expect((await surveys.changelog(ctx.db, id, 2))?.from).toBe(1);

		const versions = await surveys.versions(ctx.db, id);
		expect(versions.map((v) => [v.number, v.status, v.responses])).toEqual([
			[2, 'published', 0],
			[1, 'published', 1]
		]);
	});

	it('archiving keeps versions and answers, and refuses further edits', async () => {
		const id = await sampleSurvey();
		const v1 = await surveys.publish(ctx.db, id, null);
		await surveys.archive(ctx.db, id, null);
		const s = await surveys.get(ctx.db, id);
		expect(s.status).toBe('archived');
		expect(s.published?.id).toBe(v1.versionId);
		await expect(surveys.newDraft(ctx.db, id)).rejects.toBeInstanceOf(surveys.NotEditableError);
		const rows = await ctx.db
			.selectFrom('questions')
			.select('id')
			.where('version_id', '=', v1.versionId)
			.execute();
		expect(rows).toHaveLength(7);
		await surveys.unarchive(ctx.db, id);
		expect((await surveys.get(ctx.db, id)).status).toBe('active');
	});

	it('a published version cannot be edited until a new draft is opened', async () => {
		const id = await sampleSurvey();
		await surveys.publish(ctx.db, id, null);
		await expect(surveys.addSection(ctx.db, id)).rejects.toBeInstanceOf(surveys.NotEditableError);
	});
});

describe('invalid states cannot be published or stored', () => {
	it('refuses to publish a survey without questions', async () => {
		const id = await surveys.createBlank(ctx.db, {
			userId: null,
			title: 'Empty',
			kind: 'periodic'
		});
		const err = await surveys.publish(ctx.db, id, null).catch((e) => e);
		expect(err).toBeInstanceOf(surveys.PublishError);
		expect(err.problems).toContain('Add at least one question before publishing.');
		expect((await surveys.get(ctx.db, id)).status).toBe('draft');
	});

	it('refuses to publish a choice question without options', async () => {
		const id = await surveys.createBlank(ctx.db, {
			userId: null,
			title: 'Choice',
			kind: 'periodic'
		});
		const section = (await surveys.get(ctx.db, id)).current.sections[0].id;
		const qid = await surveys.addQuestion(ctx.db, id, section, 'single');
		const q = await questionOf(id, qid);
		await surveys.saveQuestion(ctx.db, id, { ...q, options: [] });
		const err = await surveys.publish(ctx.db, id, null).catch((e) => e);
		expect(err.problems.join(' ')).toContain('needs at least two options');
	});

	it('shows duplicate option values next to the options field and stores nothing', async () => {
		const id = await surveys.createBlank(ctx.db, {
			userId: null,
			title: 'Dupes',
			kind: 'periodic'
		});
		const section = (await surveys.get(ctx.db, id)).current.sections[0].id;
		const qid = await surveys.addQuestion(ctx.db, id, section, 'multiple');
		const q = await questionOf(id, qid);
		const err = await surveys
			.saveQuestion(ctx.db, id, {
				...q,
				prompt: 'Changed',
				options: [
					{ value: 'a', label: 'A' },
					{ value: 'a', label: 'Another A' }
				]
			})
			.catch((e) => e);
		expect(err).toBeInstanceOf(surveys.QuestionInvalidError);
		expect(err.errors.options).toContain('Duplicate option values');
		expect((await questionOf(id, qid)).prompt).toBe('New question');
	});

	it('refuses logic that points at a later or missing question', async () => {
		const id = await sampleSurvey();
		const first = await questionOf(id, Q.satisfied);
		const err = await surveys
			.saveQuestion(ctx.db, id, {
				...first,
				logic: { mode: 'all', conditions: [{ question: Q.nps, op: 'gte', value: 9 }] }
			})
			.catch((e) => e);
		expect(err.errors.logic).toContain('earlier question');
		// deleting a question that later logic uses is refused with the reason
		await expect(surveys.deleteQuestion(ctx.db, id, Q.satisfied)).rejects.toThrow(
			/What went wrong\?/
		);
		// moving the dependent question above the one it depends on is refused too
		await expect(surveys.moveQuestion(ctx.db, id, Q.whatWrong, 'up')).rejects.toBeInstanceOf(
			surveys.EditError
		);
	});
});

describe('editing a draft', () => {
	it('deletes a question and undoes the delete at the same place', async () => {
		const id = await sampleSurvey();
		await surveys.deleteQuestion(ctx.db, id, Q.value);
		let s = await surveys.get(ctx.db, id);
		expect(s.draft?.trash).toMatchObject({ kind: 'question', index: 0 });
		expect(s.current.sections[1].questions.map((q) => q.id)).toEqual([Q.delivery]);
		await surveys.undoDelete(ctx.db, id);
		s = await surveys.get(ctx.db, id);
		expect(s.current.sections[1].questions.map((q) => q.id)).toEqual([Q.value, Q.delivery]);
		expect(s.draft?.trash).toBeNull();
		await expect(surveys.undoDelete(ctx.db, id)).rejects.toThrow('nothing to undo');
	});

	it('duplicates, reorders across pages, and deletes and restores a page', async () => {
		const id = await sampleSurvey();
		const copy = await surveys.duplicateQuestion(ctx.db, id, Q.nps);
		await surveys.moveQuestion(ctx.db, id, Q.nps, 'up'); // first on page 3 → last on page 2
		let s = await surveys.get(ctx.db, id);
		expect(s.current.sections[1].questions.map((q) => q.id)).toEqual([Q.value, Q.delivery, Q.nps]);
		expect(s.current.sections[2].questions[0].id).toBe(copy);
		const page3 = s.current.sections[2].id;
		await surveys.moveSection(ctx.db, id, page3, 'up');
		await surveys.deleteSection(ctx.db, id, page3);
		s = await surveys.get(ctx.db, id);
		expect(s.current.sections).toHaveLength(2);
		await surveys.undoDelete(ctx.db, id);
		s = await surveys.get(ctx.db, id);
		expect(s.current.sections[1].id).toBe(page3);
	});

	it('stores titles as typed (escaping happens when rendering)', async () => {
		const id = await surveys.createBlank(ctx.db, {
			userId: null,
			title: '<script>alert(1)</script>',
			kind: 'periodic'
		});
		expect((await surveys.get(ctx.db, id)).title).toBe('<script>alert(1)</script>');
	});
});

describe('survey list, templates, import and export', () => {
	it('lists with status, search, kind and counts', async () => {
		const a = await sampleSurvey();
		await surveys.publish(ctx.db, a, null);
		const b = await surveys.createBlank(ctx.db, {
			userId: null,
			title: 'Ticket 50%',
			kind: 'transactional'
		});
		await ctx.db
			.insertInto('responses')
			.values([
				{
					survey_id: a,
					version_id: (await surveys.get(ctx.db, a)).published!.id,
					status: 'complete'
				},
				{
					survey_id: a,
					version_id: (await surveys.get(ctx.db, a)).published!.id,
					status: 'partial'
				}
			])
			.execute();
		const all = await surveys.list(ctx.db, { limit: 10, offset: 0 });
		expect(all.total).toBe(2);
		const byId = new Map(all.items.map((i) => [i.id, i]));
		expect(byId.get(a)).toMatchObject({ status: 'active', responses: 1, waves: 0 });
		expect(byId.get(b)).toMatchObject({ status: 'draft', kind: 'transactional' });
		expect(
			(await surveys.list(ctx.db, { search: '50%', limit: 10, offset: 0 })).items.map((i) => i.id)
		).toEqual([b]);
		expect((await surveys.list(ctx.db, { status: 'active', limit: 10, offset: 0 })).total).toBe(1);
		expect(
			(await surveys.list(ctx.db, { kind: 'periodic', limit: 10, offset: 0 })).items[0].id
		).toBe(a);
	});

	it('creates from the quarterly template covering all seven default topics, with fresh ids', async () => {
		const id = await surveys.createFromTemplate(ctx.db, {
			userId: null,
			template: 'builtin:quarterly'
		});
		const s = await surveys.get(ctx.db, id);
		const qs = s.current.sections.flatMap((x) => x.questions);
		expect(qs.length).toBeGreaterThanOrEqual(30);
		const keys = (await topics.list(ctx.db)).map((t) => t.key);
		expect(new Set(qs.map((q) => q.topic).filter(Boolean))).toEqual(new Set(keys));
		const template = surveys.templates.byKey('quarterly')!;
		expect(qs[0].id).not.toBe(template.definition.sections[0].questions[0].id);
		// the follow-up rule (NPS ≤ 6) follows the new ids
		const nps = qs.find((q) => q.type === 'nps')!;
		expect(s.followUpRule?.conditions[0]).toMatchObject({ question: nps.id, op: 'lte', value: 6 });
		await surveys.publish(ctx.db, id, null);
	});

	it('saves a survey as a template that new surveys can start from', async () => {
		const id = await sampleSurvey();
		const t = await surveys.saveAsTemplate(ctx.db, id, { userId: null, name: 'Our template' });
		const list = await surveys.listTemplates(ctx.db);
		expect(list.map((x) => x.ref)).toContain(`saved:${t}`);
		const copy = await surveys.createFromTemplate(ctx.db, { userId: null, template: `saved:${t}` });
		expect(
			(await surveys.get(ctx.db, copy)).current.sections.flatMap((s) => s.questions)
		).toHaveLength(7);
		await expect(surveys.publish(ctx.db, t, null)).rejects.toBeInstanceOf(surveys.PublishError);
		// templates are not surveys in the list
		expect((await surveys.list(ctx.db, { limit: 10, offset: 0 })).total).toBe(2);
	});

	it('exports JSON that imports back, and lists every problem of a bad import', async () => {
		const id = await sampleSurvey();
		const doc = await surveys.exportJson(ctx.db, id);
		const copy = await surveys.importJson(ctx.db, JSON.stringify(doc), null);
		const a = (await surveys.get(ctx.db, id)).current;
		const b = (await surveys.get(ctx.db, copy)).current;
		expect(b.sections.flatMap((s) => s.questions.map((q) => q.prompt))).toEqual(
			a.sections.flatMap((s) => s.questions.map((q) => q.prompt))
		);
		const bad = structuredClone(doc) as {
			definition: { title: string; sections: { questions: Record<string, unknown>[] }[] };
		};
		bad.definition.title = '';
		bad.definition.sections[0].questions[0].type = 'slider';
		bad.definition.sections[2].questions[1].options = [
			{ value: 'x', label: 'X' },
			{ value: 'x', label: 'Y' }
		];
		const err = (await surveys
			.importJson(ctx.db, JSON.stringify(bad), null)
			.catch((e) => e)) as surveys.ImportError;
		expect(err).toBeInstanceOf(surveys.ImportError);
		expect(err.errors.length).toBeGreaterThanOrEqual(2);
		expect(err.errors.join('\n')).toMatch(/title/i);
		await expect(surveys.importJson(ctx.db, '{not json', null)).rejects.toThrow(/not valid JSON/);
	});
});

describe('topics', () => {
	it('adds, renames, recolours, sets target and benchmark, archives and restores', async () => {
		const t = await topics.add(ctx.db, {
			name: 'Returns',
			colour: '#123456',
			description: 'Sending things back',
			target: 80,
			benchmark: 72.5,
			benchmarkSource: 'Retail index',
			benchmarkYear: 2025
		});
		expect(t.key).toBe('returns');
		await expect(
			topics.add(ctx.db, { ...t, benchmarkSource: '', name: 'Returns' })
		).rejects.toBeInstanceOf(topics.DuplicateTopicError);
		const u = await topics.update(ctx.db, t.id, {
			name: 'Returns & refunds',
			colour: '#abcdef',
			description: '',
			target: null,
			benchmark: 70,
			benchmarkSource: 'Retail index',
			benchmarkYear: 2026
		});
		expect(u).toMatchObject({
			key: 'returns',
			name: 'Returns & refunds',
			colour: '#abcdef',
			target: null,
			benchmark: 70
		});
		await topics.setArchived(ctx.db, t.id, true);
		expect((await topics.list(ctx.db)).map((x) => x.key)).not.toContain('returns');
		expect((await topics.list(ctx.db, { archived: true })).map((x) => x.key)).toContain('returns');
		await topics.setArchived(ctx.db, t.id, false);
		expect((await topics.list(ctx.db)).map((x) => x.key)).toContain('returns');
	});
});

describe('demo surveys', () => {
	it('publishes the quarterly, transactional and follow-up surveys as demo rows', async () => {
		const admin = await ctx.db
			.insertInto('users')
			.values({ email: 'a@example.com', password_hash: 'x', role: 'admin' })
			.returning('id')
			.executeTakeFirstOrThrow();
		const demo: DemoContext = {
			db: ctx.db,
			now: new Date(),
			adminId: admin.id,
			password: 'x',
			surveyIds: {},
			segmentIds: {},
			scheduleIds: {},
			waveIds: [],
			log: () => {}
		};
		await demoSurveys.seed(demo);
		expect(Object.keys(demo.surveyIds).sort()).toEqual(['followUp', 'quarterly', 'transactional']);
		const q = await surveys.get(ctx.db, demo.surveyIds.quarterly);
		expect(q).toMatchObject({ status: 'active', isDemo: true, kind: 'periodic' });
		const t = await surveys.get(ctx.db, demo.surveyIds.transactional);
		expect(t.published?.definition.sections[0].questions[0].prompt).toBe(
			'Were you pleased with how we handled your request?'
		);
	});
});
