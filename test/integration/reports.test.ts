import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { ManualClock } from '$lib/server/clock';
import type { Db } from '$lib/server/db';
import { users } from '$lib/server/auth';
import * as reports from '$lib/server/reports';
import * as results from '$lib/server/results';
import type { Answers } from '$lib/survey/answers';
import { Q, createPublishedSurvey, sampleDefinition } from '../helpers/fixtures';
import { closeWave, seedWave } from '../helpers/reports';
import { useTestDb } from '../helpers/db';

const ctx = useTestDb();
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T09:00:00Z');

/** 40 respondents per wave: wave 1 half satisfied, wave 2 nine in ten (score 50 → 90). */
function answers(wave: 1 | 2): Answers[] {
	return Array.from({ length: 40 }, (_, i) => {
		const satisfied = wave === 1 ? i % 2 === 0 : i % 10 !== 0;
		const a: Answers = {
			[Q.satisfied]: satisfied,
			[Q.value]: wave === 1 ? 4 + (i % 2) : 2 + (i % 2),
			[Q.delivery]: { speed: wave === 1 ? 3 + (i % 2) : 4 + (i % 2), packaging: 4 },
			[Q.nps]: wave === 1 ? 7 + (i % 3) : 8 + (i % 3)
		};
		if (!satisfied)
			a[Q.whatWrong] =
				`Late again. Call me on +49 170 1234567 or write to ${wave}x${i}@example.com`;
		return a;
	});
}

async function seedSurvey(db: Db, title = 'Quarterly pulse') {
	const def = sampleDefinition();
	def.title = title;
	const survey = await createPublishedSurvey(db, def);
	const w1 = await seedWave(db, {
		surveyId: survey.surveyId,
		version: survey.version,
		name: 'Q1 2026',
		answers: answers(1),
		scheduledFor: T0,
		prefix: 'a'
	});
	const w2 = await seedWave(db, {
		surveyId: survey.surveyId,
		version: survey.version,
		name: 'Q2 2026',
		answers: answers(2),
		extraInvited: 10,
		scheduledFor: new Date(T0.getTime() + 90 * DAY),
		prefix: 'b'
	});
	await db.updateTable('topics').set({ target: 95 }).where('key', '=', 'service').execute();
	await db
		.updateTable('topics')
		.set({ target: 100 })
		.where('key', '=', 'brand-attachment')
		.execute();
	await db.updateTable('topics').set({ target: 80 }).where('key', '=', 'value-for-money').execute();
	await db
		.updateTable('topics')
		.set({ target: 90, benchmark: 70, benchmark_source: 'Retail Index', benchmark_year: 2025 })
		.where('key', '=', 'shipping-delivery')
		.execute();
	// tag comments: one in wave 1, three in wave 2
	const tag = await results.comments.ensureTag(db, survey.surveyId, 'Late delivery', null);
	const texts = await db
		.selectFrom('answers as a')
		.innerJoin('responses as r', 'r.id', 'a.response_id')
		.select(['a.id', 'r.wave_id'])
		.where('a.lineage', '=', Q.whatWrong)
		.orderBy('a.id')
		.execute();
	const ids = [
		...texts.filter((t) => t.wave_id === w1.waveId).slice(0, 1),
		...texts.filter((t) => t.wave_id === w2.waveId).slice(0, 3)
	].map((t) => t.id);
	await results.comments.apply(db, survey.surveyId, tag, ids, null);
	return { ...survey, w1, w2 };
}

async function user(db: Db, email: string, role: 'admin' | 'editor' | 'viewer' = 'viewer') {
	return users.create(db, {
		email,
		name: email.split('@')[0],
		password: 'a-long-password-1',
		role
	});
}

/** The topic's score of a wave straight from the rollup table (sum / n). */
async function rollupScore(db: Db, waveId: number, key: string): Promise<number> {
	const r = await db
		.selectFrom('rollup_topics as rt')
		.innerJoin('topics as t', 't.id', 'rt.topic_id')
		.select(['rt.n', 'rt.score_sum'])
		.where('rt.wave_id', '=', waveId)
		.where('t.key', '=', key)
		.executeTakeFirstOrThrow();
	return r.score_sum / r.n;
}

describe('the report built from results', () => {
	it('has each topic score from the rollups, its change, significance and the three furthest below target', async () => {
		const s = await seedSurvey(ctx.db);
		const data = await reports.build(ctx.db, s.surveyId, { now: T0 });
		expect(data.current?.id).toBe(s.w2.waveId);
		expect(data.previous?.id).toBe(s.w1.waveId);
		expect(data.current?.responseRate).toBeCloseTo(80, 5);
		const service = data.topics.find((t) => t.key === 'service')!;
		expect(service.score).toBeCloseTo(90, 5);
		expect(service.score).toBeCloseTo(await rollupScore(ctx.db, s.w2.waveId, 'service'), 9);
		expect(service.change).toBeCloseTo(40, 5);
		expect(service.significance).toBe('significant');
		for (const t of data.topics.filter((x) => x.score !== null))
			expect(t.score).toBeCloseTo(await rollupScore(ctx.db, s.w2.waveId, t.key), 9);
		// four topics are below target; the three with the largest gaps are named
		const gaps = data.topics
			.filter((t) => t.target !== null && t.score !== null && t.score < t.target)
			.map((t) => ({ key: t.key, gap: t.target! - t.score! }))
			.sort((a, b) => b.gap - a.gap);
		expect(gaps.length).toBe(4);
		expect(data.belowTarget.map((b) => b.topic.key)).toEqual(gaps.slice(0, 3).map((g) => g.key));
		expect(data.belowTarget[0].topic.key).toBe('value-for-money');
		expect(data.belowTarget[0].gap).toBeCloseTo(80 - 37.5, 5);
		expect(data.belowTarget.map((b) => b.topic.key)).not.toContain('service');
		expect(data.complaints).toEqual([{ tag: 'Late delivery', count: 3, previous: 1, change: 2 }]);
		// comments are masked: no e-mail address or phone number survives
		expect(data.comments.length).toBeGreaterThan(0);
		for (const c of data.comments) {
			expect(c.text).not.toMatch(/@example\.com|1234567/);
			expect(c.text).toContain('[e-mail]');
		}
	});

	it('reports a closed wave against the one before it, not the newest', async () => {
		const s = await seedSurvey(ctx.db);
		const data = await reports.build(ctx.db, s.surveyId, { waveId: s.w1.waveId });
		expect(data.current?.id).toBe(s.w1.waveId);
		expect(data.previous).toBeNull();
		expect(data.topics.find((t) => t.key === 'service')?.score).toBeCloseTo(50, 5);
		expect(data.topics.find((t) => t.key === 'service')?.significance).toBe('no-previous');
	});
});

describe('a survey without waves', () => {
	it('builds an empty report and digest instead of failing', async () => {
		const { surveyId } = await createPublishedSurvey(ctx.db);
		const data = await reports.build(ctx.db, surveyId);
		expect(data.current).toBeNull();
		expect(data.waves).toEqual([]);
		expect(data.topics.every((t) => t.score === null)).toBe(true);
		const mail = reports.renderDigest(data, {
			kind: 'weekly',
			dashboardUrl: 'http://x/results/1',
			profileUrl: 'http://x/profile',
			recipientName: ''
		});
		expect(mail.text).toContain('No topic is below its target.');
	});
});

describe('digests', () => {
	it('sends each subscriber one digest per closed wave with the rollup figures, once however often the worker runs', async () => {
		const s = await seedSurvey(ctx.db, 'Pulse <script>alert(1)</script> & Co');
		const admin = await user(ctx.db, 'boss@example.org', 'admin');
		const viewer = await user(ctx.db, 'team@example.org');
		const gone = await user(ctx.db, 'gone@example.org');
		for (const u of [admin, viewer, gone])
			await reports.subscriptions.set(ctx.db, {
				userId: u.id,
				surveyId: s.surveyId,
				onClose: true,
				weekly: false,
				by: admin.id
			});
		await ctx.db.updateTable('users').set({ disabled_at: T0 }).where('id', '=', gone.id).execute();
		const clock = new ManualClock(new Date(T0.getTime() + 100 * DAY));
		await closeWave(ctx.db, s.w2.waveId, clock.now());
		expect(await reports.digests.sendClosed(ctx.db, clock)).toBe(2);
		expect(await reports.digests.sendClosed(ctx.db, clock)).toBe(0);
		await Promise.all([
			reports.digests.sendClosed(ctx.db, clock),
			reports.digests.sendClosed(ctx.db, clock)
		]);
		const mails = await ctx.db
			.selectFrom('outbox')
			.selectAll()
			.where('kind', '=', 'digest')
			.orderBy('to_address')
			.execute();
		expect(mails.map((m) => m.to_address)).toEqual(['boss@example.org', 'team@example.org']);

		const text = mails[0].text_body;
		const html = mails[0].html_body;
		expect(mails[0].subject).toContain('Q2 2026 has closed');
		expect(text).toContain('Response rate: 80.0% (40 of 50 invited)');
		const data = await reports.build(ctx.db, s.surveyId, { waveId: s.w2.waveId });
		for (const t of data.topics.filter((x) => x.score !== null)) {
			const fromRollup = await rollupScore(ctx.db, s.w2.waveId, t.key);
			expect(text).toContain(`- ${t.name}: ${fromRollup.toFixed(1)} (`);
		}
		expect(text).toContain('- Service: 90.0 (+40.0, significant (95%), target 95.0)');
		expect(text).toContain('- Value for money: 37.5, 42.5 below the target of 80.0');
		expect(text).toContain('- Late delivery: 3 (+2)');
		const open = (await results.followups.counts(ctx.db, s.surveyId)).open;
		expect(open).toBeGreaterThan(0);
		expect(text).toContain(`Open follow-ups: ${open} open`);
		expect(text).toMatch(new RegExp(`/results/${s.surveyId}\\b`));
		// the title is escaped in the HTML part, shown as written in the text part
		expect(html).not.toContain('<script>');
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
		expect(text).toContain('<script>alert(1)</script> & Co');

		// the earlier wave closing later still gets its own digest
		await closeWave(ctx.db, s.w1.waveId, clock.now());
		expect(await reports.digests.sendClosed(ctx.db, clock)).toBe(2);
		const keys = await ctx.db
			.selectFrom('outbox')
			.select('idempotency_key')
			.where('kind', '=', 'digest')
			.execute();
		expect(new Set(keys.map((k) => k.idempotency_key)).size).toBe(4);
	});

	it('sends weekly digests of an open wave once per week, and none to users without the option', async () => {
		const s = await seedSurvey(ctx.db);
		const weekly = await user(ctx.db, 'weekly@example.org');
		const onClose = await user(ctx.db, 'close@example.org');
		await reports.subscriptions.set(ctx.db, {
			userId: weekly.id,
			surveyId: s.surveyId,
			onClose: false,
			weekly: true,
			by: weekly.id
		});
		await reports.subscriptions.set(ctx.db, {
			userId: onClose.id,
			surveyId: s.surveyId,
			onClose: true,
			weekly: false,
			by: onClose.id
		});
		await closeWave(ctx.db, s.w1.waveId, T0);
		const sent = new Date(T0.getTime() + 90 * DAY);
		await ctx.db
			.updateTable('waves')
			.set({ materialized_at: sent })
			.where('id', '=', s.w2.waveId)
			.execute();
		const clock = new ManualClock(new Date(sent.getTime() + 3 * DAY));
		expect(await reports.digests.sendWeekly(ctx.db, clock)).toBe(0);
		clock.advance(5 * DAY);
		expect(await reports.digests.sendWeekly(ctx.db, clock)).toBe(1);
		expect(await reports.digests.sendWeekly(ctx.db, clock)).toBe(0);
		clock.advance(7 * DAY);
		expect(await reports.digests.sendWeekly(ctx.db, clock)).toBe(1);
		const mails = await ctx.db.selectFrom('outbox').selectAll().execute();
		expect(mails.map((m) => m.to_address)).toEqual(['weekly@example.org', 'weekly@example.org']);
		expect(mails[0].subject).toMatch(/^Weekly digest: Quarterly pulse/);
	});

	it('lets users subscribe and unsubscribe; unsubscribing both options removes the row', async () => {
		const s = await seedSurvey(ctx.db);
		const u = await user(ctx.db, 'me@example.org');
		await reports.subscriptions.set(ctx.db, {
			userId: u.id,
			surveyId: s.surveyId,
			onClose: true,
			weekly: true,
			by: u.id
		});
		expect(await reports.subscriptions.listForUser(ctx.db, u.id)).toMatchObject([
			{ surveyId: s.surveyId, onClose: true, weekly: true }
		]);
		await reports.subscriptions.set(ctx.db, {
			userId: u.id,
			surveyId: s.surveyId,
			onClose: false,
			weekly: false,
			by: u.id
		});
		expect(await reports.subscriptions.listForUser(ctx.db, u.id)).toEqual([]);
		await expect(
			reports.subscriptions.set(ctx.db, {
				userId: u.id,
				surveyId: 999_999,
				onClose: true,
				weekly: false,
				by: u.id
			})
		).rejects.toThrow(reports.subscriptions.SubscriptionError);
	});
});

describe('XLSX export', () => {
	it('has the CSV export as its Responses sheet, header for header and cell for cell, and the topic summary', async () => {
		const s = await seedSurvey(ctx.db);
		const report = await reports.build(ctx.db, s.surveyId);
		const out = new PassThrough();
		const chunks: Buffer[] = [];
		out.on('data', (c: Buffer) => chunks.push(c));
		await reports.xlsx.write(out, {
			report,
			responses: await reports.responseRows(ctx.db, s.surveyId)
		});
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);

		const csv: string[][] = [];
		for await (const row of results.exporter.csvRows(ctx.db, s.surveyId)) csv.push(row);
		const sheet = wb.getWorksheet(reports.xlsx.RESPONSES_SHEET)!;
		const read: string[][] = [];
		sheet.eachRow({ includeEmpty: true }, (row) => {
			const cells: string[] = [];
			for (let c = 1; c <= csv[0].length; c++) {
				const v = row.getCell(c).value;
				cells.push(v === null || v === undefined ? '' : String(v));
			}
			read.push(cells);
		});
		expect(csv.length).toBe(81);
		expect(read).toEqual(csv);

		const summary = wb.getWorksheet(reports.xlsx.SUMMARY_SHEET)!;
		expect((summary.getRow(1).values as unknown[]).slice(1)).toEqual(reports.xlsx.SUMMARY_HEADERS);
		const service = report.topics.find((t) => t.key === 'service')!;
		let found = false;
		summary.eachRow((row) => {
			if (row.getCell(1).value !== 'service') return;
			found = true;
			expect(row.getCell(4).value).toBeCloseTo(service.score!, 2);
			expect(row.getCell(8).value).toBe(95);
		});
		expect(found).toBe(true);
		const shipping = report.topics.find((t) => t.key === 'shipping-delivery')!;
		expect(shipping.benchmarkSource).toBe('Retail Index');
		expect(shipping.benchmarkYear).toBe(2025);
	});
});
