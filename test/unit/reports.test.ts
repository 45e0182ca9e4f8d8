import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '$lib/server/sharing/redact';
import { weekOfWave, digestKey } from '$lib/server/reports/digests';
import { fileName } from '$lib/reports/files';
import { fmtChange, waveLabel } from '$lib/reports/types';
import { benchmarkLabel } from '$lib/results/specs';

describe('reporting helpers', () => {
	it('masks e-mail addresses, phone numbers, links and the writer’s own name in shared free text', () => {
		const masked = maskPersonalData(
			'I am Anna Adler, mail anna.adler.1@example.com or call +49 (170) 123-4567, see https://x.example/o?id=5',
			['Anna Adler']
		);
		expect(masked).toBe('I am [name], mail [e-mail] or call [number], see [link]');
		expect(maskPersonalData('Delivery took 3 days')).toBe('Delivery took 3 days');
	});

	it('counts full weeks since a wave went out, and keys each digest per wave, period and user', () => {
		const sent = new Date('2026-03-01T09:00:00Z');
		expect(weekOfWave(sent, new Date('2026-03-07T23:00:00Z'))).toBe(0);
		expect(weekOfWave(sent, new Date('2026-03-08T09:00:00Z'))).toBe(1);
		expect(weekOfWave(sent, new Date('2026-03-22T10:00:00Z'))).toBe(3);
		expect(digestKey('closed', 7, '', 3)).toBe('digest:closed:7:-:3');
		expect(digestKey('weekly', 7, 'week-2', 3)).toBe('digest:weekly:7:week-2:3');
	});

	it('names downloads safely and labels waves, changes and benchmarks for people', () => {
		const at = new Date('2026-05-01T00:00:00Z');
		expect(fileName('Q2 “Pulse” / <script>', 'pdf', at)).toBe('q2-pulse-script-2026-05-01.pdf');
		expect(fileName('***', 'xlsx', at)).toBe('survey-2026-05-01.xlsx');
		expect(fmtChange(2.46)).toBe('+2.5');
		expect(fmtChange(-1)).toBe('−1.0');
		expect(fmtChange(null)).toBe('–');
		expect(waveLabel({ name: 'Q1 2026', scheduledFor: at })).toBe('Q1 2026');
		expect(waveLabel({ name: 'Quarterly customer survey · 1 May', scheduledFor: at })).toBe(
			'1 May 2026'
		);
		expect(benchmarkLabel({ benchmarkSource: 'Retail Index', benchmarkYear: 2025 })).toBe(
			'benchmark (Retail Index, 2025)'
		);
		expect(benchmarkLabel({ benchmarkSource: null, benchmarkYear: null })).toBe('benchmark');
	});
});
