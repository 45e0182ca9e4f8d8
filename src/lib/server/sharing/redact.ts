import type { ReportData } from '$lib/reports/types';
import type { ShareLink } from './index';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// seven or more digits, optionally grouped: phone and card-like numbers
const LONG_NUMBER = /\+?\d[\d\s().-]{5,}\d/g;
const URL_PATTERN = /\bhttps?:\/\/\S+/gi;

/** Masks what looks like personal data in free text: e-mail addresses, phone numbers, links. */
export function maskPersonalData(text: string, names: string[] = []): string {
	let out = text.replace(EMAIL, '[e-mail]').replace(URL_PATTERN, '[link]');
	out = out.replace(LONG_NUMBER, '[number]');
	for (const name of names) {
		const n = name.trim();
		if (n.length < 3) continue;
		out = out.replace(new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[name]');
	}
	return out;
}

/**
 * What a share link may show of a report: hidden topics and questions removed, free-text answers
 * dropped (or masked when allowed), follow-ups reduced to counts. Respondent-level rows never
 * reach a report, so nothing here can name a customer.
 */
export function redact(
	data: ReportData,
	link: Pick<ShareLink, 'hideFreeText' | 'hiddenTopics' | 'hiddenQuestions'>
): ReportData {
	const hiddenTopics = new Set(link.hiddenTopics);
	const hiddenQuestions = new Set(link.hiddenQuestions);
	const topics = data.topics
		.filter((t) => !hiddenTopics.has(t.id))
		.map((t) => ({ ...t, questions: t.questions.filter((q) => !hiddenQuestions.has(q.lineage)) }));
	const visible = new Set(topics.map((t) => t.id));
	return {
		...data,
		topics,
		belowTarget: data.belowTarget.filter((b) => visible.has(b.topic.id)),
		// tags are the team's words about comments; hidden with the comments themselves
		complaints: link.hideFreeText ? [] : data.complaints,
		comments: link.hideFreeText
			? []
			: data.comments
					.filter((c) => !hiddenQuestions.has(c.lineage))
					.map((c) => ({ ...c, text: maskPersonalData(c.text) }))
	};
}
