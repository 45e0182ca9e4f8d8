import { describe, expect, it } from 'vitest';
import { parse, render, TemplateError, used } from '$lib/server/mail/template';

const values = {
	name: 'Ada <b>Lovelace</b> & "Co"',
	first_name: 'Ada',
	link: 'https://surveys.example.com/s/abc123',
	unsubscribe_link: 'https://surveys.example.com/u/abc123',
	survey_title: 'Quarterly',
	sender_name: 'Shop',
	close_date: '1 May 2026'
};

describe('mail templates', () => {
	it('fills placeholders in subject, text and HTML', () => {
		const m = render(
			{ subject: 'Hi {{ first_name }}: {{survey_title}}', body: 'Dear {{name}},\n\n{{link}}' },
			values
		);
		expect(m.subject).toBe('Hi Ada: Quarterly');
		expect(m.text).toContain(
			'Dear Ada <b>Lovelace</b> & "Co",\n\nhttps://surveys.example.com/s/abc123'
		);
		expect(m.text).toContain('Unsubscribe: https://surveys.example.com/u/abc123');
		expect(m.html).toContain('<a href="https://surveys.example.com/s/abc123">');
		expect(m.html).toContain('<a href="https://surveys.example.com/u/abc123">Unsubscribe</a>');
	});

	it('escapes author and customer text in the HTML part', () => {
		const m = render({ subject: 's', body: '<script>alert(1)</script> {{name}}' }, values);
		expect(m.html).toContain(
			'&lt;script&gt;alert(1)&lt;/script&gt; Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; &quot;Co&quot;'
		);
		expect(m.html).not.toMatch(/<script>|<b>/);
	});

	it('turns blank lines into paragraphs and keeps the subject on one line', () => {
		const m = render({ subject: 'a\r\nb', body: 'one\ntwo\n\nthree' }, values);
		expect(m.subject).toBe('a b');
		expect(m.html).toContain('<p>one<br>\ntwo</p>\n<p>three</p>');
	});

	it('rejects unknown placeholders by name and lists the known ones', () => {
		expect(() => parse('Hello {{nmae}}')).toThrow(TemplateError);
		expect(() => parse('Hello {{nmae}}')).toThrow(/Unknown placeholder \{\{nmae\}\}.*\{\{name\}\}/);
		expect(() => parse('{{}}')).toThrow(TemplateError);
		expect(used('{{link}} and {{ name }}')).toEqual(['link', 'name']);
		expect(parse('no placeholders, { single braces }')).toEqual([
			{ literal: 'no placeholders, { single braces }' }
		]);
	});
});
