import { allQuestions, type Definition } from '$lib/schemas/survey';
import { escapeHtml, renderHtmlBody, renderText, textFooter } from '../mail/template';
import { surveyLink, unsubscribeLink } from '../scheduling/links';

// The triggered invitation e-mail. For a one-question survey whose question is yes/no (or a single choice
// with at most five options) the answers are buttons in the e-mail itself; each opens
// /s/<token>/answer?v=<value>, a page that records the answer only when the customer confirms
// with a POST (mail scanners that prefetch links record nothing).

export interface OneClickAnswer {
	label: string;
	value: string;
}

/** The one-click answers of a survey version, or null when its first question has none. */
export function oneClickAnswers(
	def: Definition
): { prompt: string; answers: OneClickAnswer[] } | null {
	const [head, ...rest] = allQuestions(def);
	const first = head?.question;
	if (!first) return null;
	// one-click only when the first question is the only one everyone sees (the rest follow logic)
	if (rest.some((q) => !q.question.logic && !def.sections[q.sectionIndex].logic)) return null;
	if (first.type === 'yesno')
		return {
			prompt: first.prompt,
			answers: [
				{ label: first.yesLabel, value: 'yes' },
				{ label: first.noLabel, value: 'no' }
			]
		};
	if (first.type === 'single' && first.options.length > 0 && first.options.length <= 5)
		return {
			prompt: first.prompt,
			answers: first.options.map((o) => ({ label: o.label, value: o.value }))
		};
	return null;
}

export const answerLink = (base: string, token: string, value: string) =>
	`${surveyLink(base, token)}/answer?v=${encodeURIComponent(value)}`;

export interface TriggerMailInput {
	subject: string;
	body: string;
	senderName: string;
	surveyTitle: string;
	customerName: string;
	closesAt: Date | null;
	base: string;
	token: string;
	oneClick: { prompt: string; answers: OneClickAnswer[] } | null;
}

const htmlHead =
	'<!doctype html>\n<html><head><meta charset="utf-8"></head>\n' +
	'<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937;max-width:40rem">\n';

/** Subject, plain text and HTML of one triggered invitation. */
export function render(m: TriggerMailInput): { subject: string; text: string; html: string } {
	const name = m.customerName.trim() || 'there';
	const unsubscribe = unsubscribeLink(m.base, m.token);
	const values = {
		name,
		first_name: name.split(' ')[0],
		link: surveyLink(m.base, m.token),
		unsubscribe_link: unsubscribe,
		survey_title: m.surveyTitle,
		sender_name: m.senderName,
		close_date: m.closesAt
			? new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(m.closesAt)
			: 'further notice'
	};
	let text = renderText(m.body, values);
	let buttons = '';
	if (m.oneClick) {
		text +=
			`\n\n${m.oneClick.prompt}\n` +
			m.oneClick.answers
				.map((a) => `${a.label}: ${answerLink(m.base, m.token, a.value)}`)
				.join('\n');
		buttons =
			`\n<p style="margin-top:1.5rem"><strong>${escapeHtml(m.oneClick.prompt)}</strong></p>\n<p>` +
			m.oneClick.answers
				.map(
					(a) =>
						`<a href="${escapeHtml(answerLink(m.base, m.token, a.value))}" style="display:inline-block;padding:0.6rem 1.2rem;margin:0 0.5rem 0.5rem 0;border-radius:6px;background:#1d4ed8;color:#fff;text-decoration:none;font-weight:600">${escapeHtml(a.label)}</a>`
				)
				.join('') +
			'</p>';
	}
	text += textFooter(unsubscribe);
	const html =
		htmlHead +
		renderHtmlBody(m.body, values) +
		buttons +
		'\n<hr style="border:0;border-top:1px solid #e5e7eb">\n' +
		`<p style="font-size:0.85em;color:#6b7280">Don't want these e-mails? <a href="${escapeHtml(unsubscribe)}">Unsubscribe</a>.</p>\n` +
		'</body></html>\n';
	return { subject: renderText(m.subject, values).replace(/[\r\n]+/g, ' '), text, html };
}
