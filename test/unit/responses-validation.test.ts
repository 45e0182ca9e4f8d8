import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { definitionSchema, type Definition, type Question } from '$lib/schemas/survey';
import { validateAnswers } from '$lib/schemas/responses';
import { readPage, toEntries } from '$lib/survey/form';
import { visibleQuestions } from '$lib/survey/logic';
import { nextSection, previousSection, progress } from '$lib/survey/navigation';
import * as enhance from '$lib/components/respond/enhance.js';
import { Q, sampleDefinition } from '../helpers/fixtures';

const def: Definition = definitionSchema.parse(sampleDefinition());
const page = (i: number) => def.sections[i].questions;
const byId = (id: string) => def.sections.flatMap((s) => s.questions).find((q) => q.id === id)!;

const ranking: Question = {
	id: '00000000-0000-4000-8000-0000000000a1',
	type: 'ranking',
	prompt: 'Rank these',
	help: '',
	required: true,
	topic: null,
	scored: false,
	logic: null,
	options: [
		{ value: 'a', label: 'A' },
		{ value: 'b', label: 'B' },
		{ value: 'c', label: 'C' }
	]
};

describe('answer validation built from the question definitions', () => {
	it('asks for required answers and accepts a complete page', () => {
		const empty = validateAnswers(page(1), {}, {}, { enforceRequired: true });
		expect(empty).toEqual({ ok: false, errors: { [Q.value]: 'Please answer this question.' } });
		const ok = validateAnswers(
			page(1),
			{ [Q.value]: 4, [Q.delivery]: { speed: 5 } },
			{},
			{ enforceRequired: true }
		);
		expect(ok).toEqual({
			ok: true,
			answers: { [Q.value]: 4, [Q.delivery]: { speed: 5 } },
			others: {}
		});
	});

	it('does not require answers when the respondent goes back', () => {
		expect(validateAnswers(page(1), {}, {}, { enforceRequired: false }).ok).toBe(true);
	});

	it('refuses values outside the scale, unknown matrix statements and unknown questions', () => {
		const r = validateAnswers(
			page(1),
			{ [Q.value]: 6, [Q.delivery]: { speed: 2, colour: 3 }, [Q.nps]: 9 },
			{},
			{ enforceRequired: true }
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors[Q.value]).toBe('Choose one of the 5 points of the scale.');
		expect(r.errors[Q.delivery]).toMatch(/statements/);
		expect(r.errors._).toMatch(/unknown questions/);
	});

	it('checks NPS range, option values, "other" text and text length', () => {
		const r = validateAnswers(
			page(2),
			{ [Q.nps]: 11, [Q.payment]: ['card', 'bitcoin'], [Q.comment]: 'x'.repeat(201) },
			{},
			{ enforceRequired: true }
		);
		expect(r).toEqual({
			ok: false,
			errors: {
				[Q.nps]: 'Choose a number from 0 to 10.',
				[Q.payment]: 'Choose from the options.',
				[Q.comment]: 'Use at most 200 characters.'
			}
		});
		const other = validateAnswers(
			page(2),
			{ [Q.nps]: 3, [Q.payment]: ['_other'] },
			{},
			{ enforceRequired: true }
		);
		expect(other).toEqual({
			ok: false,
			errors: { [Q.payment]: 'Please say what "other" means for you.' }
		});
		const said = validateAnswers(
			page(2),
			{ [Q.nps]: 3, [Q.payment]: ['card', '_other'] },
			{ [Q.payment]: 'Klarna' },
			{ enforceRequired: true }
		);
		expect(said.ok && said.others).toEqual({ [Q.payment]: 'Klarna' });
	});

	it('enforces minimum and maximum picks', () => {
		const q = { ...byId(Q.payment), minPicks: 2, maxPicks: 2 } as Question;
		const few = validateAnswers([q], { [q.id]: ['card'] }, {}, { enforceRequired: true });
		const many = validateAnswers(
			[q],
			{ [q.id]: ['card', 'invoice', 'paypal'] },
			{},
			{ enforceRequired: true }
		);
		expect(few).toEqual({ ok: false, errors: { [q.id]: 'Choose at least 2 options.' } });
		expect(many).toEqual({ ok: false, errors: { [q.id]: 'Choose at most 2 options.' } });
	});

	it('wants every option ranked once', () => {
		const read = readPage(
			[ranking],
			[
				[`q.${ranking.id}.rank1`, 'b'],
				[`q.${ranking.id}.rank2`, 'b'],
				[`q.${ranking.id}.rank3`, 'a']
			]
		);
		const r = validateAnswers([ranking], read.answers, {}, { enforceRequired: true });
		expect(r).toEqual({
			ok: false,
			errors: { [ranking.id]: 'Each option can have only one place.' }
		});
		const ok = readPage([ranking], toEntries([ranking], { [ranking.id]: ['c', 'a', 'b'] }, {}));
		expect(validateAnswers([ranking], ok.answers, {}, { enforceRequired: true })).toEqual({
			ok: true,
			answers: { [ranking.id]: ['c', 'a', 'b'] },
			others: {}
		});
	});
});

describe('reading a posted page', () => {
	it('turns form fields into typed answers', () => {
		const r = readPage(page(0), [
			[`q.${Q.satisfied}`, 'no'],
			[`q.${Q.whatWrong}`, ' Late '],
			['section', '0']
		]);
		expect(r).toEqual({
			answers: { [Q.satisfied]: false, [Q.whatWrong]: ' Late ' },
			others: {},
			unknown: []
		});
	});

	it('flags fields of questions that are not on the page', () => {
		const r = readPage(page(1), [
			[`q.${Q.nps}`, '3'],
			[`q.${Q.delivery}.colour`, '3'],
			[`q.${Q.value}.x`, '1']
		]);
		expect(r.unknown).toEqual([`q.${Q.nps}`, `q.${Q.delivery}.colour`, `q.${Q.value}.x`]);
	});
});

describe('display logic and page navigation', () => {
	it('asks what went wrong only when the respondent was not satisfied', () => {
		expect(visibleQuestions(def, { [Q.satisfied]: true }).has(Q.whatWrong)).toBe(false);
		expect(visibleQuestions(def, { [Q.satisfied]: false }).has(Q.whatWrong)).toBe(true);
		expect(visibleQuestions(def, {}).has(Q.whatWrong)).toBe(false);
	});

	it('moves between pages and counts them', () => {
		expect(nextSection(def, {}, 0)).toBe(1);
		expect(nextSection(def, {}, 2)).toBe(null);
		expect(previousSection(def, {}, 0)).toBe(null);
		expect(progress(def, {}, 1)).toEqual({ page: 2, pages: 3 });
	});

	it('skips a page whose logic hides it', () => {
		const hidden = structuredClone(def);
		hidden.sections[1].logic = {
			mode: 'all',
			conditions: [{ question: Q.satisfied, op: 'equals', value: false }]
		};
		expect(nextSection(hidden, { [Q.satisfied]: true }, 0)).toBe(2);
		expect(progress(hidden, { [Q.satisfied]: true }, 2)).toEqual({ page: 2, pages: 2 });
		expect(nextSection(hidden, { [Q.satisfied]: false }, 0)).toBe(1);
	});

	it('the browser enhancement evaluates logic exactly like the server', () => {
		const ops = [
			'equals',
			'not_equals',
			'any_of',
			'none_of',
			'lt',
			'lte',
			'gt',
			'gte',
			'answered',
			'not_answered'
		] as const;
		const value = fc.oneof(
			fc.integer({ min: -1, max: 11 }),
			fc.boolean(),
			fc.constantFrom('card', 'invoice', ''),
			fc.array(fc.constantFrom('card', 'invoice', 'paypal'), { maxLength: 3 })
		);
		fc.assert(
			fc.property(
				fc.constantFrom(...ops),
				value,
				fc.dictionary(fc.constantFrom(Q.satisfied, Q.value, Q.payment, Q.nps), value),
				(op, wanted, answers) => {
					const d = structuredClone(def);
					d.sections[2].questions[1].logic = {
						mode: 'all',
						conditions: [{ question: Q.value, op, value: wanted as never }]
					};
					const server = [...visibleQuestions(d, answers as never)].sort();
					const browser = [...enhance.visibleQuestions(d.sections as never, answers)].sort();
					expect(browser).toEqual(server);
				}
			),
			{ numRuns: 500 }
		);
	});
});
