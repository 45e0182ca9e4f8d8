import { describe, expect, it } from 'vitest';
import {
	CATALOGUES,
	RESPONDENT_LANGUAGES,
	negotiateLanguage,
	placeholders,
	resolveLanguage,
	translator,
	type MessageKey
} from '$lib/i18n/respondent';
import { definitionSchema, type Definition } from '$lib/schemas/survey';
import { validateAnswers } from '$lib/schemas/responses';
import { Q, sampleDefinition } from '../helpers/fixtures';

const en = CATALOGUES.en;
const keys = Object.keys(en).sort() as MessageKey[];

describe("the respondent page's message catalogue", () => {
	it.each(RESPONDENT_LANGUAGES.filter((l) => l !== 'en'))(
		'%s has every message, with the same placeholders and plural forms',
		(lang) => {
			const cat = CATALOGUES[lang];
			expect(Object.keys(cat).sort()).toEqual(keys);
			for (const k of keys) {
				expect(placeholders(cat[k]), `${lang}.${k}`).toEqual(placeholders(en[k]));
				expect(typeof cat[k], `${lang}.${k}`).toBe(typeof en[k]);
				const texts = typeof cat[k] === 'string' ? [cat[k]] : Object.values(cat[k]);
				for (const t of texts) {
					expect(t.trim(), `${lang}.${k}`).not.toBe('');
					// typographic apostrophes and quotes, no ASCII stand-ins for umlauts or accents
					expect(t, `${lang}.${k}`).not.toMatch(/'|"/);
				}
			}
			// translated, not copied: the buttons differ from English
			for (const k of ['start', 'next', 'submit', 'required', 'pleaseAnswer'] as const)
				expect(cat[k], `${lang}.${k}`).not.toBe(en[k]);
		}
	);

	it('falls back to English, and regional codes use their language', () => {
		expect(resolveLanguage('de-CH')).toBe('de');
		expect(resolveLanguage('FR')).toBe('fr');
		expect(resolveLanguage('nl-BE')).toBe('nl');
		expect(resolveLanguage('pt-BR')).toBe('en');
		expect(resolveLanguage('')).toBe('en');
		expect(resolveLanguage(undefined)).toBe('en');
		expect(translator('ja')('next')).toBe('Next');
		expect(translator('de-CH')('next')).toBe('Weiter');
	});

	it('picks the language of an Accept-Language header by preference', () => {
		expect(negotiateLanguage('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr');
		expect(negotiateLanguage('pt-BR, es;q=0.4, nl;q=0.6')).toBe('nl');
		expect(negotiateLanguage('pt')).toBe('en');
		expect(negotiateLanguage('de;q=0, es')).toBe('es');
		expect(negotiateLanguage(null)).toBe('en');
		expect(negotiateLanguage('x'.repeat(10_000))).toBe('en');
	});

	it('fills placeholders, chooses plural forms and formats numbers for the locale', () => {
		expect(translator('de')('progress', { page: 2, pages: 5 })).toBe('Seite 2 von 5');
		expect(translator('es')('questionCount', { count: 1 })).toBe('1 pregunta.');
		expect(translator('es')('questionCount', { count: 7 })).toBe('7 preguntas.');
		expect(translator('nl')('limitedBody', { count: 1 })).toContain('1 minuut');
		expect(translator('de')('numberRange', { min: 0.5, max: 2.5 })).toBe(
			'Geben Sie eine Zahl von 0,5 bis 2,5 ein.'
		);
		// page texts in the survey's language, numbers in the respondent's locale
		expect(translator('de', 'en-GB')('numberMax', { max: 1.5 })).toBe(
			'Geben Sie höchstens 1.5 ein.'
		);
		expect(translator('en')('numberMax', { max: 10000 })).toBe('Enter at most 10000.');
	});
});

describe('validation messages in the survey language', () => {
	const def: Definition = definitionSchema.parse(sampleDefinition());
	const page = (i: number) => def.sections[i].questions;

	it('gives the same verdicts in every language, with translated messages', () => {
		const cases: Record<string, unknown>[] = [
			{},
			{ [Q.value]: 9 },
			{ [Q.value]: 4, [Q.delivery]: { speed: 5 } },
			{ [Q.value]: 4, [Q.delivery]: { speed: 7, colour: 1 } }
		];
		for (const answers of cases) {
			const english = validateAnswers(page(1), answers, {}, { enforceRequired: true });
			for (const language of RESPONDENT_LANGUAGES) {
				const r = validateAnswers(page(1), answers, {}, { enforceRequired: true, language });
				expect(r.ok).toBe(english.ok);
				if (r.ok || english.ok) continue;
				expect(Object.keys(r.errors).sort()).toEqual(Object.keys(english.errors).sort());
			}
		}
		expect(validateAnswers(page(1), {}, {}, { enforceRequired: true, language: 'de' })).toEqual({
			ok: false,
			errors: { [Q.value]: 'Bitte beantworten Sie diese Frage.' }
		});
		expect(
			validateAnswers(page(1), { [Q.value]: 9 }, {}, { enforceRequired: true, language: 'fr-CA' })
		).toEqual({
			ok: false,
			errors: { [Q.value]: 'Choisissez l’un des 5 points de l’échelle.' }
		});
		// English stays the default, and an unknown language falls back to it
		expect(validateAnswers(page(1), {}, {}, { enforceRequired: true, language: 'pt' })).toEqual({
			ok: false,
			errors: { [Q.value]: 'Please answer this question.' }
		});
	});

	it('translates the "other" and length messages too', () => {
		const opts = { enforceRequired: true, language: 'nl' };
		const other = validateAnswers(page(2), { [Q.nps]: 5, [Q.payment]: ['_other'] }, {}, opts);
		expect(other).toEqual({
			ok: false,
			errors: { [Q.payment]: 'Geef aan wat u met ‘Anders’ bedoelt.' }
		});
		const long = validateAnswers(page(2), { [Q.nps]: 5, [Q.comment]: 'x'.repeat(201) }, {}, opts);
		expect(long).toEqual({ ok: false, errors: { [Q.comment]: 'Gebruik hoogstens 200 tekens.' } });
	});
});
