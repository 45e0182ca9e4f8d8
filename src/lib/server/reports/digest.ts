import { escapeHtml } from '../mail/template';
import {
	fmtChange,
	fmtPercent,
	fmtScore,
	significanceLabel,
	type ReportData
} from '$lib/reports/types';

// The digest e-mail: the same facts in a plain-text part and an HTML part. Every survey-, topic-,
// tag- and user-written string is escaped in the HTML part.

export interface DigestOptions {
	kind: 'closed' | 'weekly';
	dashboardUrl: string;
	profileUrl: string;
	recipientName: string;
}

export interface RenderedDigest {
	subject: string;
	text: string;
	html: string;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/** "Quarterly survey · 5 Oct 2026" in a digest of "Quarterly survey" reads as "5 Oct 2026". */
function shortWaveName(name: string, title: string): string {
	if (!name.startsWith(title)) return name;
	return name.slice(title.length).replace(/^[\s·:–—-]+/, '') || name;
}

/** Renders a digest of a report for one recipient. */
export function render(data: ReportData, opts: DigestOptions): RenderedDigest {
	const wave = data.current;
	const waveName = wave ? oneLine(shortWaveName(wave.name, data.survey.title)) : 'no wave yet';
	const subject = oneLine(
		opts.kind === 'closed'
			? `Digest: ${data.survey.title} — ${waveName} has closed`
			: `Weekly digest: ${data.survey.title} — ${waveName} so far`
	);
	const lines: string[] = [];
	const html: string[] = [];
	const e = escapeHtml;
	const greeting = opts.recipientName ? `Hello ${opts.recipientName},` : 'Hello,';
	const intro =
		opts.kind === 'closed'
			? `the wave “${waveName}” of “${data.survey.title}” has closed. Here is how it went.`
			: `the wave “${waveName}” of “${data.survey.title}” is open. Here is how it stands.`;
	lines.push(greeting, '', intro, '');
	html.push(`<p>${e(greeting)}</p>`, `<p>${e(intro)}</p>`);

	// response rate
	if (wave) {
		const rate = `Response rate: ${fmtPercent(wave.responseRate)} (${wave.responded} of ${wave.invited} invited)`;
		lines.push(rate);
		html.push(`<p><strong>${e(rate)}</strong></p>`);
	}
	if (data.nps !== null) {
		lines.push(`NPS: ${Math.round(data.nps)}`);
		html.push(`<p>NPS: ${Math.round(data.nps)}</p>`);
	}

	// topic scores
	lines.push('', 'TOPIC SCORES (0–100, change since the previous wave)');
	html.push('<h2 style="font-size:1.1em">Topic scores</h2>');
	if (data.topics.length === 0) {
		lines.push('No scored topics yet.');
		html.push('<p>No scored topics yet.</p>');
	} else {
		html.push(
			'<table style="border-collapse:collapse" cellpadding="4">',
			'<thead><tr><th align="left">Topic</th><th align="right">Score</th><th align="right">Change</th><th align="left">Significance</th><th align="right">Target</th></tr></thead><tbody>'
		);
		for (const t of data.topics) {
			const target = t.target === null ? '' : `, target ${fmtScore(t.target)}`;
			lines.push(
				`- ${t.name}: ${fmtScore(t.score)} (${fmtChange(t.change)}, ${significanceLabel[t.significance]}${target})`
			);
			html.push(
				`<tr><td>${e(t.name)}</td><td align="right">${fmtScore(t.score)}</td><td align="right">${fmtChange(t.change)}</td><td>${e(significanceLabel[t.significance])}</td><td align="right">${fmtScore(t.target)}</td></tr>`
			);
		}
		html.push('</tbody></table>');
	}

	// below target
	lines.push('', 'FURTHEST BELOW TARGET');
	html.push('<h2 style="font-size:1.1em">Furthest below target</h2>');
	if (data.belowTarget.length === 0) {
		lines.push('No topic is below its target.');
		html.push('<p>No topic is below its target.</p>');
	} else {
		html.push('<ol>');
		for (const { topic, gap } of data.belowTarget) {
			const line = `${topic.name}: ${fmtScore(topic.score)}, ${gap.toFixed(1)} below the target of ${fmtScore(topic.target)}`;
			lines.push(`- ${line}`);
			html.push(`<li>${e(line)}</li>`);
		}
		html.push('</ol>');
	}

	// complaints
	lines.push('', 'TOP COMPLAINTS (tagged comments, change since the previous wave)');
	html.push('<h2 style="font-size:1.1em">Top complaints</h2>');
	if (data.complaints.length === 0) {
		lines.push('No tagged comments in this wave.');
		html.push('<p>No tagged comments in this wave.</p>');
	} else {
		html.push('<ol>');
		for (const c of data.complaints) {
			const line = `${c.tag}: ${c.count} (${c.change > 0 ? '+' : c.change < 0 ? '−' : '±'}${Math.abs(c.change)})`;
			lines.push(`- ${line}`);
			html.push(`<li>${e(line)}</li>`);
		}
		html.push('</ol>');
	}

	// follow-ups
	const fu = `Open follow-ups: ${data.followUps.open} open, ${data.followUps.contacted} contacted`;
	lines.push('', fu);
	html.push(`<p>${e(fu)}</p>`);

	lines.push(
		'',
		`Open the dashboard: ${opts.dashboardUrl}`,
		'',
		'--',
		`You receive this because you subscribed to digests of this survey. Change that in your profile: ${opts.profileUrl}`,
		''
	);
	html.push(
		`<p><a href="${e(opts.dashboardUrl)}">Open the dashboard</a></p>`,
		'<hr style="border:0;border-top:1px solid #e5e7eb">',
		`<p style="font-size:0.85em;color:#6b7280">You receive this because you subscribed to digests of this survey. <a href="${e(opts.profileUrl)}">Change that in your profile</a>.</p>`
	);
	return {
		subject,
		text: lines.join('\n'),
		html:
			'<!doctype html>\n<html><head><meta charset="utf-8"></head>\n' +
			'<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937;max-width:40rem">\n' +
			html.join('\n') +
			'\n</body></html>\n'
	};
}
