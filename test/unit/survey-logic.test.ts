import { describe, expect, it } from 'vitest';
import { definitionSchema, publishProblems } from '$lib/schemas/survey';
import { visibleAnswers, visibleQuestions } from '$lib/survey/logic';
import { nps, scoreAnswer } from '$lib/survey/scoring';
import { Q, sampleDefinition } from '../helpers/fixtures';

const def = definitionSchema.parse(sampleDefinition());
const question = (id: string) => def.sections.flatMap((s) => s.questions).find((q) => q.id === id)!;

describe('survey definition', () => {
	it('accepts the sample survey and finds nothing that blocks publishing', () => {
		expect(publishProblems(def)).toEqual([]);
	});

	it('rejects logic that points at a later question', () => {
		const bad = sampleDefinition();
		bad.sections[0].questions[0].logic = {
			mode: 'all',
			conditions: [{ question: Q.nps, op: 'answered' }]
		};
		const result = definitionSchema.safeParse(bad);
		expect(result.success).toBe(false);
		expect(result.error?.issues[0].message).toContain('earlier question');
	});

	it('rejects duplicate option values and a wrong number of scale labels', () => {
		const bad = sampleDefinition();
		const payment = bad.sections[2].questions[1] as { options: { value: string; label: string }[] };
		payment.options.push({ value: 'card', label: 'Card again' });
		(bad.sections[1].questions[0] as { labels: string[] }).labels.pop();
		const messages = definitionSchema.safeParse(bad).error?.issues.map((i) => i.message) ?? [];
		expect(messages).toContain('Duplicate option values: "card".');
		expect(messages).toContain('Give exactly 5 scale labels.');
	});

	it('refuses to publish a survey with no questions', () => {
		const empty = definitionSchema.parse({ title: 'Empty', sections: [] });
		expect(publishProblems(empty)).toEqual(['Add at least one question before publishing.']);
	});
});

describe('display logic', () => {
	it('asks "what went wrong?" only when the customer was not satisfied', () => {
		expect(visibleQuestions(def, { [Q.satisfied]: false }).has(Q.whatWrong)).toBe(true);
		expect(visibleQuestions(def, { [Q.satisfied]: true }).has(Q.whatWrong)).toBe(false);
	});

	it('drops answers to questions that logic hides', () => {
		const kept = visibleAnswers(def, { [Q.satisfied]: true, [Q.whatWrong]: 'late parcel' });
		expect(kept).toEqual({ [Q.satisfied]: true });
	});
});

describe('scoring', () => {
	it('maps a 5-point Likert answer to 0, 25, 50, 75, 100 with top-2-box at 4 and 5', () => {
		const q = question(Q.value);
		expect([1, 2, 3, 4, 5].map((v) => scoreAnswer(q, v)?.score)).toEqual([0, 25, 50, 75, 100]);
		expect([1, 2, 3, 4, 5].map((v) => scoreAnswer(q, v)?.top2)).toEqual([
			false,
			false,
			false,
			true,
			true
		]);
		expect(scoreAnswer(q, 6)).toBeNull();
	});

	it('scores yes as 100 and no as 0, NPS as ten times the answer', () => {
		expect(scoreAnswer(question(Q.satisfied), 1)).toEqual({ score: 100, top2: true });
		expect(scoreAnswer(question(Q.satisfied), 0)).toEqual({ score: 0, top2: false });
		expect(scoreAnswer(question(Q.nps), 7)).toEqual({ score: 70, top2: false });
	});

	it('computes NPS as promoters minus detractors', () => {
		expect(nps([10, 9, 8, 7, 6, 0])).toBe(0);
		expect(nps([10, 10, 9, 3])).toBe(50);
		expect(nps([])).toBeNull();
	});
});
