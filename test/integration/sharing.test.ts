import { describe, expect, it } from 'vitest';
import { sha256 } from '$lib/server/crypto';
import * as reports from '$lib/server/reports';
import * as sharing from '$lib/server/sharing';
import type { ReportData } from '$lib/reports/types';
import { Q, createPublishedSurvey } from '../helpers/fixtures';
import { seedWave } from '../helpers/reports';
import { useTestDb } from '../helpers/db';

const ctx = useTestDb();
const NOW = new Date('2026-05-01T10:00:00Z');

async function survey() {
	const s = await createPublishedSurvey(ctx.db);
	await seedWave(ctx.db, {
		surveyId: s.surveyId,
		version: s.version,
		name: 'May',
		scheduledFor: NOW,
		prefix: 'm',
		answers: [0, 1, 2].map((i) => ({
			[Q.satisfied]: i > 0,
			[Q.value]: 3,
			[Q.nps]: 9,
			...(i === 0 ? { [Q.whatWrong]: 'Customer 1 here, mail m1@example.com please' } : {}),
			[Q.comment]: `Fine, call +44 20 7946 0958 (${i})`
		}))
	});
	return s;
}

describe('share links', () => {
	it('stores only the SHA-256 of a 256-bit token and resolves the raw token', async () => {
		const s = await survey();
		const { link, token } = await sharing.create(ctx.db, {
			surveyId: s.surveyId,
			hideFreeText: true,
			createdBy: null
		});
		expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
		const row = await ctx.db
			.selectFrom('share_links')
			.selectAll()
			.where('id', '=', link.id)
			.executeTakeFirstOrThrow();
		expect(row.token_hash).toBe(sha256(token));
		expect(JSON.stringify(row)).not.toContain(token);
		expect((await sharing.resolve(ctx.db, token, NOW)).id).toBe(link.id);
	});

	it('answers not found for an unknown token and gone for a revoked or expired one', async () => {
		const s = await survey();
		const a = await sharing.create(ctx.db, {
			surveyId: s.surveyId,
			hideFreeText: true,
			createdBy: null
		});
		const b = await sharing.create(ctx.db, {
			surveyId: s.surveyId,
			hideFreeText: true,
			createdBy: null,
			expiresAt: new Date(NOW.getTime() + 60_000)
		});
		await expect(sharing.resolve(ctx.db, 'x'.repeat(43), NOW)).rejects.toThrow(
			sharing.ShareLinkNotFoundError
		);
		await expect(sharing.resolve(ctx.db, '../../etc', NOW)).rejects.toThrow(
			sharing.ShareLinkNotFoundError
		);
		expect(
			await sharing.revoke(ctx.db, {
				surveyId: s.surveyId,
				linkId: a.link.id,
				userId: null,
				now: NOW
			})
		).toBe(true);
		await expect(sharing.resolve(ctx.db, a.token, NOW)).rejects.toThrow(sharing.ShareLinkGoneError);
		expect((await sharing.resolve(ctx.db, b.token, NOW)).id).toBe(b.link.id);
		await expect(
			sharing.resolve(ctx.db, b.token, new Date(NOW.getTime() + 61_000))
		).rejects.toThrow(sharing.ShareLinkGoneError);
		// another survey's link id cannot be revoked through this survey
		expect(
			await sharing.revoke(ctx.db, {
				surveyId: s.surveyId + 1,
				linkId: b.link.id,
				userId: null,
				now: NOW
			})
		).toBe(false);
	});

	it('logs each view with a hashed visitor, never the address', async () => {
		const s = await survey();
		const { token } = await sharing.create(ctx.db, {
			surveyId: s.surveyId,
			hideFreeText: true,
			createdBy: null
		});
		const link = await sharing.resolve(ctx.db, token, NOW);
		await sharing.logView(ctx.db, link, {
			path: '/share/x',
			ip: '203.0.113.9',
			userAgent: 'UA',
			now: NOW
		});
		await sharing.logView(ctx.db, link, {
			path: '/share/x',
			ip: '203.0.113.9',
			userAgent: 'UA',
			now: NOW
		});
		const [after] = await sharing.list(ctx.db, s.surveyId);
		expect(after.viewCount).toBe(2);
		const views = await sharing.views(ctx.db, { surveyId: s.surveyId, linkId: link.id });
		expect(views).toHaveLength(2);
		expect(views[0].visitor).toBe(views[1].visitor);
		expect(JSON.stringify(views)).not.toContain('203.0.113.9');
	});

	it('shows only what the link allows: hidden topics, questions and free text are gone, and comments are masked', async () => {
		const s = await survey();
		const full = await reports.build(ctx.db, s.surveyId, { now: NOW });
		const service = full.topics.find((t) => t.key === 'service')!;
		const value = full.topics.find((t) => t.key === 'value-for-money')!;
		expect(full.comments.length).toBeGreaterThan(0);

		const hidden: ReportData = sharing.redact(full, {
			hideFreeText: true,
			hiddenTopics: [service.id],
			hiddenQuestions: [Q.value]
		});
		expect(hidden.topics.map((t) => t.id)).not.toContain(service.id);
		expect(hidden.topics.find((t) => t.id === value.id)?.questions).toEqual([]);
		expect(hidden.comments).toEqual([]);
		expect(hidden.complaints).toEqual([]);
		expect(JSON.stringify(hidden)).not.toContain(service.name);

		const open = sharing.redact(full, {
			hideFreeText: false,
			hiddenTopics: [],
			hiddenQuestions: []
		});
		expect(open.comments.length).toBe(full.comments.length);
		const all = JSON.stringify(open);
		for (const personal of ['m1@example.com', 'Customer 1', '7946 0958'])
			expect(all).not.toContain(personal);
	});
});
