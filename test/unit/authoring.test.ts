import { describe, expect, it } from 'vitest';
import { definitionSchema, publishProblems, type Definition } from '$lib/schemas/survey';
import {
	conditionValue,
	logicFromForm,
	optionLines,
	parseOptionLines,
	questionFromForm,
	slug,
	topicFormSchema
} from '$lib/schemas/authoring';
import { diff } from '$lib/server/surveys/changelog';
import * as draft from '$lib/server/surveys/draft';
import * as templates from '$lib/server/surveys/templates';
import { Q, sampleDefinition } from '../helpers/fixtures';

const sample = (): Definition => definitionSchema.parse(sampleDefinition());
const find = (def: Definition, id: string) =>
	def.sections.flatMap((s) => s.questions).find((q) => q.id === id)!;

describe('changelog between versions', () => {
	it('describes a first version by its size', () => {
		const log = diff(null, sample());
		expect(log.from).toBeNull();
		expect(log.entries[0].detail).toBe('First version: 7 questions on 3 pages.');
	});

	it('finds reworded, moved, added, removed and settings changes by lineage', () => {
		const before = sample();
		let after = draft.replaceQuestion(before, {
			...find(before, Q.value),
			prompt: 'Prices are fair.'
		} as never);
		after = draft.moveQuestion(after, Q.nps, 'up'); // to the end of page 2
		after = draft.markNew(after, Q.comment).def;
		after = draft.replaceQuestion(after, { ...find(after, Q.payment), required: true } as never);
		const log = diff(before, after, 1);
		const byKind = (k: string) => log.entries.filter((e) => e.kind === k);
		expect(byKind('reworded')).toEqual([
			expect.objectContaining({
				lineage: Q.value,
				detail: 'Was “Our prices are fair for what you get.”.'
			})
		]);
		expect(byKind('moved').map((e) => e.lineage)).toEqual([Q.nps]);
		expect(byKind('moved')[0].detail).toBe('Moved from page 3 to page 2.');
		expect(byKind('removed').map((e) => e.lineage)).toEqual([Q.comment]);
		expect(byKind('added')).toHaveLength(1);
		expect(byKind('settings')).toEqual([
			expect.objectContaining({ lineage: Q.payment, detail: 'Changed: required.' })
		]);
	});

	it('reports no question changes for an identical copy', () => {
		const d = sample();
		expect(diff(d, structuredClone(d), 1).entries).toEqual([]);
	});

	it('flags a question moved within a page only once', () => {
		const before = sample();
		const after = draft.moveQuestion(before, Q.delivery, 'up');
		const moved = diff(before, after, 1).entries.filter((e) => e.kind === 'moved');
		expect(moved).toHaveLength(1);
	});
});

describe('validation of drafts and publishing', () => {
	it('a survey without questions cannot be published', () => {
		const d = definitionSchema.parse({
			title: 'x',
			sections: [{ id: crypto.randomUUID(), questions: [] }]
		});
		expect(publishProblems(d)).toContain('Add at least one question before publishing.');
	});

	it('logic pointing at a later or deleted question is refused with its place', () => {
		const d = sample();
		const bad = structuredClone(d);
		bad.sections[0].questions[0].logic = {
			mode: 'all',
			conditions: [{ question: Q.nps, op: 'gte', value: 9 }]
		};
		expect(() => draft.validate(bad)).toThrow(
			'Page 1, “Were you satisfied with the whole process?”: A condition must refer to an earlier question that still exists.'
		);
	});

	it('deleting a question used by later logic is refused and names the dependent question', () => {
		expect(() => draft.deleteQuestion(sample(), Q.satisfied)).toThrow(/“What went wrong\?”/);
	});

	it('drag and drop places a question before another or at the end of a page, keeping logic valid', () => {
		const d = sample();
		const moved = draft.placeQuestion(d, Q.comment, d.sections[0].id, Q.satisfied);
		expect(moved.sections[0].questions.map((q) => q.id)).toEqual([
			Q.comment,
			Q.satisfied,
			Q.whatWrong
		]);
		const end = draft.placeQuestion(d, Q.value, d.sections[2].id, null);
		expect(end.sections[2].questions.at(-1)?.id).toBe(Q.value);
		expect(() =>
			draft.validate(draft.placeQuestion(d, Q.whatWrong, d.sections[0].id, Q.satisfied))
		).toThrow(/earlier question/);
	});

	it('marking a question as new gives it a new lineage and relinks logic that used it', () => {
		const { def, id } = draft.markNew(sample(), Q.satisfied);
		expect(id).not.toBe(Q.satisfied);
		expect(find(def, Q.whatWrong).logic?.conditions[0].question).toBe(id);
		expect(() => draft.validate(def)).not.toThrow();
	});

	it('fresh ids keep logic consistent (templates, imports)', () => {
		const d = draft.withFreshIds(sample());
		expect(d.sections[0].questions[1].logic?.conditions[0].question).toBe(
			d.sections[0].questions[0].id
		);
		expect(d.sections[0].questions[0].id).not.toBe(Q.satisfied);
	});

	it('every new question type starts valid', () => {
		for (const t of [
			'likert',
			'matrix',
			'rating',
			'nps',
			'single',
			'multiple',
			'yesno',
			'ranking',
			'number',
			'short_text',
			'long_text'
		] as const) {
			const d = sample();
			const { def } = draft.addQuestion(d, d.sections[0].id, t);
			expect(() => draft.validate(def)).not.toThrow();
			expect(publishProblems(def)).toEqual([]);
		}
	});
});

describe('the editor forms', () => {
	it('reads option lines with optional value and score, and writes them back', () => {
		const opts = parseOptionLines('Credit card\nInvoice | inv | 50\n\n  PayPal |  | 100 ');
		expect(opts).toEqual([
			{ label: 'Credit card', value: 'credit-card' },
			{ label: 'Invoice', value: 'inv', score: 50 },
			{ label: 'PayPal', value: 'paypal', score: 100 }
		]);
		expect(optionLines(opts)).toBe(
			'Credit card | credit-card\nInvoice | inv | 50\nPayPal | paypal | 100'
		);
		expect(slug('Über die Brücke!')).toBe('uber-die-brucke');
	});

	it('turns typed logic values into what the logic compares', () => {
		const d = sample();
		expect(conditionValue(find(d, Q.satisfied), 'equals', 'no')).toBe(false);
		expect(conditionValue(find(d, Q.nps), 'lte', '6')).toBe(6);
		expect(conditionValue(find(d, Q.payment), 'any_of', 'card, invoice')).toEqual([
			'card',
			'invoice'
		]);
		expect(conditionValue(find(d, Q.nps), 'answered', 'x')).toBeUndefined();
	});

	it('builds a rule from the logic builder rows, skipping empty rows', () => {
		const d = sample();
		const form = new FormData();
		form.set('logic_mode', 'any');
		form.set('logic_q_0', Q.satisfied);
		form.set('logic_op_0', 'equals');
		form.set('logic_v_0', 'no');
		form.set('logic_q_1', `${Q.delivery}::speed`);
		form.set('logic_op_1', 'lte');
		form.set('logic_v_1', '2');
		form.set('logic_q_2', '');
		const r = logicFromForm(
			form,
			'logic_',
			d.sections.flatMap((s) => s.questions)
		);
		expect(r.logic).toEqual({
			mode: 'any',
			conditions: [
				{ question: Q.satisfied, op: 'equals', value: false },
				{ question: Q.delivery, item: 'speed', op: 'lte', value: 2 }
			]
		});
		const missing = new FormData();
		missing.set('logic_q_0', Q.nps);
		missing.set('logic_op_0', 'gte');
		expect(logicFromForm(missing, 'logic_', []).error).toContain('enter the value');
	});

	it('builds a question from its form fields', () => {
		const d = sample();
		const form = new FormData();
		form.set('prompt', '  Which payment options?  ');
		form.set('options', 'Card\nInvoice');
		form.set('maxPicks', '1');
		form.set('required', 'on');
		const q = questionFromForm(find(d, Q.payment), form, null) as Record<string, unknown>;
		expect(q).toMatchObject({
			id: Q.payment,
			type: 'multiple',
			required: true,
			other: false,
			maxPicks: 1,
			options: [
				{ value: 'card', label: 'Card' },
				{ value: 'invoice', label: 'Invoice' }
			]
		});
	});

	it('validates topic targets and benchmarks as 0–100 or empty', () => {
		const ok = topicFormSchema.safeParse({
			name: 'X',
			colour: '#000000',
			target: '85',
			benchmark: ''
		});
		expect(ok.success && ok.data).toMatchObject({ target: 85, benchmark: null });
		const bad = topicFormSchema.safeParse({
			name: '',
			colour: 'red',
			target: '120',
			benchmarkYear: 'abc'
		});
		expect(bad.success).toBe(false);
		expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual([
			'benchmarkYear',
			'colour',
			'name',
			'target'
		]);
	});
});

describe('built-in templates', () => {
	it('are valid and publishable', () => {
		for (const t of templates.builtIn()) expect(publishProblems(t.definition)).toEqual([]);
	});

	it('the quarterly survey covers all seven default topics with a matrix, NPS and benchmark questions', () => {
		const t = templates.byKey('quarterly')!;
		const qs = t.definition.sections.flatMap((s) => s.questions);
		expect(qs.length).toBeGreaterThanOrEqual(30);
		expect(new Set(qs.map((q) => q.topic).filter(Boolean)).size).toBe(7);
		const types = new Set(qs.map((q) => q.type));
		for (const type of [
			'matrix',
			'nps',
			'likert',
			'rating',
			'single',
			'multiple',
			'yesno',
			'ranking',
			'number',
			'short_text',
			'long_text'
		])
			expect(types).toContain(type);
		expect(qs.filter((q) => q.help.startsWith('Benchmark question')).length).toBeGreaterThanOrEqual(
			3
		);
	});

	it('the transactional survey asks one yes/no question and "what went wrong?" after a no', () => {
		const t = templates.byKey('transactional')!;
		const [pleased, wrong] = t.definition.sections[0].questions;
		expect(pleased).toMatchObject({
			type: 'yesno',
			prompt: 'Were you pleased with how we handled your request?'
		});
		expect(wrong.logic?.conditions[0]).toMatchObject({
			question: pleased.id,
			op: 'equals',
			value: false
		});
	});
});
