import { describe, expect, it } from 'vitest';
import type { Question } from '$lib/schemas/survey';
import { validateAnswers } from '$lib/schemas/responses';

// The answer schemas are cached per question object (P1); the cache must never change a verdict.
const likert = (id: string, points: 5 | 7, required: boolean): Question =>
	({
		id,
		type: 'likert',
		prompt: 'How much do you agree?',
		points,
		labels: [],
		required,
		scored: true
	}) as unknown as Question;

describe('cached answer schemas', () => {
	it('give the same verdicts on repeated validation, required or not', () => {
		const q = likert('00000000-0000-4000-8000-000000000001', 5, true);
		for (let i = 0; i < 3; i++) {
			expect(validateAnswers([q], { [q.id]: 4 }, {}, { enforceRequired: true }).ok).toBe(true);
			expect(validateAnswers([q], {}, {}, { enforceRequired: true })).toEqual({
				ok: false,
				errors: { [q.id]: 'Please answer this question.' }
			});
			expect(validateAnswers([q], {}, {}, { enforceRequired: false }).ok).toBe(true);
			expect(validateAnswers([q], { [q.id]: 6 }, {}, { enforceRequired: false }).ok).toBe(false);
		}
	});

	it('never reuse a schema for another question object with the same id', () => {
		const five = likert('00000000-0000-4000-8000-000000000002', 5, false);
		const seven = likert(five.id, 7, false);
		expect(validateAnswers([five], { [five.id]: 6 }, {}, { enforceRequired: false }).ok).toBe(
			false
		);
		expect(validateAnswers([seven], { [seven.id]: 6 }, {}, { enforceRequired: false }).ok).toBe(
			true
		);
		// a page is matched by its exact questions: a different visible subset is validated as such
		const other = likert('00000000-0000-4000-8000-000000000003', 5, true);
		expect(validateAnswers([five, other], { [five.id]: 3 }, {}, { enforceRequired: true }).ok).toBe(
			false
		);
		expect(
			validateAnswers([five], { [five.id]: 3, [other.id]: 3 }, {}, { enforceRequired: true })
		).toMatchObject({ ok: false });
	});
});
