import { sql, type RawBuilder } from 'kysely';

// Mail templates: plain text with {{placeholders}}; the HTML part is derived from the text with
// every author- and customer-written character escaped. The same template renders in JS (preview,
// test send) and compiles to SQL (set-based materialization), and both give the same bytes.

export const PLACEHOLDERS = {
	name: "the customer's name (or “there” when unknown)",
	first_name: "the customer's first name",
	link: 'the personal survey link',
	unsubscribe_link: 'the one-click unsubscribe link',
	survey_title: 'the survey title',
	sender_name: 'the sender name',
	close_date: 'the date the survey closes'
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type Part = { literal: string } | { placeholder: Placeholder };

const PATTERN = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;
const LINKS: Placeholder[] = ['link', 'unsubscribe_link'];

export class TemplateError extends Error {}

/** Splits a template into literals and placeholders; throws TemplateError on an unknown one. */
export function parse(template: string): Part[] {
	const parts: Part[] = [];
	let last = 0;
	for (const m of template.matchAll(PATTERN)) {
		const name = m[1];
		if (!(name in PLACEHOLDERS))
			throw new TemplateError(
				`Unknown placeholder {{${name}}}. Use one of: ${Object.keys(PLACEHOLDERS)
					.map((p) => `{{${p}}}`)
					.join(', ')}.`
			);
		if (m.index > last) parts.push({ literal: template.slice(last, m.index) });
		parts.push({ placeholder: name as Placeholder });
		last = m.index + m[0].length;
	}
	if (last < template.length) parts.push({ literal: template.slice(last) });
	return parts;
}

/** The placeholders a template uses. */
export function used(template: string): Placeholder[] {
	return parse(template).flatMap((p) => ('placeholder' in p ? [p.placeholder] : []));
}

export function escapeHtml(s: string): string {
	return s
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/** A literal's HTML: escaped, blank lines become paragraph breaks, newlines line breaks. */
function literalHtml(s: string): string {
	return escapeHtml(s.replaceAll('\r\n', '\n'))
		.split(/\n{2,}/)
		.map((para) => para.replaceAll('\n', '<br>\n'))
		.join('</p>\n<p>');
}

export type Values = Record<Placeholder, string>;

/** Renders a template with values: subject-like plain text. */
export function renderText(template: string, values: Values): string {
	return parse(template)
		.map((p) => ('literal' in p ? p.literal : values[p.placeholder]))
		.join('');
}

/** The HTML fragment of a body template (paragraphs; links as anchors). */
export function renderHtmlBody(template: string, values: Values): string {
	const inner = parse(template)
		.map((p) => {
			if ('literal' in p) return literalHtml(p.literal);
			const v = escapeHtml(values[p.placeholder]);
			return LINKS.includes(p.placeholder) ? `<a href="${v}">${v}</a>` : v;
		})
		.join('');
	return `<p>${inner}</p>`;
}

/** Footer lines every e-mail carries (plain text), so unsubscribing always works. */
export function textFooter(unsubscribeUrl: string): string {
	return `\n\n--\nDon't want these e-mails? Unsubscribe: ${unsubscribeUrl}\n`;
}

const htmlHead =
	'<!doctype html>\n<html><head><meta charset="utf-8"></head>\n' +
	'<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937;max-width:40rem">\n';

function htmlFooter(unsubscribeHtml: string): string {
	return (
		'\n<hr style="border:0;border-top:1px solid #e5e7eb">\n' +
		`<p style="font-size:0.85em;color:#6b7280">Don't want these e-mails? <a href="${unsubscribeHtml}">Unsubscribe</a>.</p>\n` +
		'</body></html>\n'
	);
}

/** The complete rendered e-mail (subject, text, html) for preview and single sends. */
export function render(
	t: { subject: string; body: string },
	values: Values
): { subject: string; text: string; html: string } {
	return {
		subject: renderText(t.subject, values).replace(/[\r\n]+/g, ' '),
		text: renderText(t.body, values) + textFooter(values.unsubscribe_link),
		html:
			htmlHead + renderHtmlBody(t.body, values) + htmlFooter(escapeHtml(values.unsubscribe_link))
	};
}

/** SQL expressions for each placeholder: its plain value and its HTML-escaped value. */
export type SqlValues = Record<Placeholder, RawBuilder<string>>;

/** HTML-escapes a SQL text expression the same way escapeHtml does. */
export function sqlEscapeHtml(e: RawBuilder<string>): RawBuilder<string> {
	return sql<string>`replace(replace(replace(replace(replace(${e}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')`;
}

function concat(pieces: RawBuilder<string>[]): RawBuilder<string> {
	if (pieces.length === 0) return sql<string>`''`;
	return sql<string>`(${sql.join(pieces, sql` || `)})`;
}

/** Compiles the e-mail to SQL expressions over per-row placeholder values (set-based sending). */
export function compileSql(
	t: { subject: string; body: string },
	v: SqlValues
): { subject: RawBuilder<string>; text: RawBuilder<string>; html: RawBuilder<string> } {
	const lit = (s: string) => sql<string>`${s}::text`;
	const subjectParts = parse(t.subject).map((p) =>
		'literal' in p
			? lit(p.literal.replace(/[\r\n]+/g, ' '))
			: sql<string>`regexp_replace(${v[p.placeholder]}, '[\r\n]+', ' ', 'g')`
	);
	const bodyParts = parse(t.body);
	const textParts = bodyParts.map((p) => ('literal' in p ? lit(p.literal) : v[p.placeholder]));
	textParts.push(
		lit("\n\n--\nDon't want these e-mails? Unsubscribe: "),
		v.unsubscribe_link,
		lit('\n')
	);
	const htmlParts: RawBuilder<string>[] = [lit(htmlHead + '<p>')];
	for (const p of bodyParts) {
		if ('literal' in p) htmlParts.push(lit(literalHtml(p.literal)));
		else {
			const e = sqlEscapeHtml(v[p.placeholder]);
			if (LINKS.includes(p.placeholder))
				htmlParts.push(lit('<a href="'), e, lit('">'), e, lit('</a>'));
			else htmlParts.push(e);
		}
	}
	const [before, after] = htmlFooter('\u0000').split('\u0000');
	htmlParts.push(lit('</p>' + before), sqlEscapeHtml(v.unsubscribe_link), lit(after));
	return { subject: concat(subjectParts), text: concat(textParts), html: concat(htmlParts) };
}
