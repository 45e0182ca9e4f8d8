import { randomToken, sha256 } from '../crypto';
import type { Db } from '../db';
import * as results from '../results';
import { toRows } from '../responses/rows';
import {
	latestPublishedVersionId,
	loadPublished,
	type PublishedVersion
} from '../surveys/published';
import type { DemoContext } from './context';
import type { Question } from '$lib/schemas/survey';
import type { Answers } from '$lib/survey/answers';
import { logicHolds } from '$lib/survey/logic';

// Demo responses: completed answers for the demo waves (ctx.waveIds from the scheduling seeder,
// else the demo waves in the database, else four past waves made here), with topic scores that
// move from wave to wave and a few complaints, so the dashboard shows trends from the first visit.

/** Per topic: a base satisfaction (0–1) and its change per wave. */
const TOPIC_TREND: Record<string, [number, number]> = {
	'marketing-message': [0.6, 0.02],
	'brand-attachment': [0.62, 0.03],
	'value-for-money': [0.55, -0.04],
	'website-navigation': [0.5, 0.06],
	'payment-options': [0.68, 0.0],
	'shipping-delivery': [0.58, -0.05],
	service: [0.64, 0.04]
};

const COMPLAINTS = [
	'The parcel arrived three days late and nobody told me.',
	'Checkout kept failing with my card; I had to try four times.',
	'Prices went up again, the same shoes are cheaper elsewhere.',
	'Customer service took a week to answer my e-mail.',
	'The website search never finds what I am looking for.',
	'The box was damaged and one item was missing.',
	'Too many marketing e-mails, please send fewer.'
];
const PRAISE = [
	'Quick delivery and friendly service, thank you!',
	'Easy to find what I needed.',
	'Great quality for the price.'
];

/** A small deterministic random generator, so the demo looks the same on every machine. */
function mulberry32(seed: number) {
	let a = seed;
	return () => {
		a |= 0;
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));

/** One respondent's answers: satisfaction per topic drives every scale. */
export function demoAnswers(
	version: PublishedVersion,
	waveIndex: number,
	rand: () => number
): { answers: Answers; others: Record<string, string> } {
	const mood = (rand() - 0.5) * 0.4;
	const p = (q: Question) => {
		const [base, trend] = TOPIC_TREND[q.topic ?? ''] ?? [0.6, 0.01];
		return clamp(base + trend * waveIndex + mood + (rand() - 0.5) * 0.35);
	};
	const onScale = (x: number, min: number, max: number) => min + Math.round(x * (max - min));
	const answers: Answers = {};
	const others: Record<string, string> = {};
	let unhappy = 0;
	let seen = 0;
	for (const section of version.definition.sections) {
		if (!logicHolds(section.logic, answers)) continue;
		for (const q of section.questions) {
			if (!logicHolds(q.logic, answers)) continue;
			if (!q.required && rand() < 0.12 && q.type !== 'long_text') continue;
			const x = p(q);
			seen++;
			if (x < 0.4) unhappy++;
			switch (q.type) {
				case 'likert':
					answers[q.id] = onScale(x, 1, q.points);
					break;
				case 'matrix':
					answers[q.id] = Object.fromEntries(
						q.items.map((i) => [i.key, onScale(clamp(x + (rand() - 0.5) * 0.2), 1, q.points)])
					);
					break;
				case 'rating':
					answers[q.id] = onScale(x, 1, q.max);
					break;
				case 'nps':
					answers[q.id] = onScale(clamp(x + 0.1), 0, 10);
					break;
				case 'yesno':
					answers[q.id] = x >= 0.45;
					break;
				case 'single': {
					const scored = q.options.filter((o) => o.score !== undefined);
					const pick = scored.length
						? scored.reduce((a, b) =>
								Math.abs((a.score ?? 0) / 100 - x) <= Math.abs((b.score ?? 0) / 100 - x) ? a : b
							)
						: q.options[Math.floor(rand() * q.options.length)];
					if (pick) answers[q.id] = pick.value;
					break;
				}
				case 'multiple': {
					const picks = q.options.filter(() => rand() < 0.35).map((o) => o.value);
					const max = q.maxPicks ?? picks.length;
					const min = Math.max(1, q.minPicks ?? 1);
					const list = picks.slice(0, max);
					for (const o of q.options)
						if (list.length < min && !list.includes(o.value)) list.push(o.value);
					answers[q.id] = list;
					break;
				}
				case 'ranking':
					answers[q.id] = q.options
						.map((o) => ({ v: o.value, k: rand() }))
						.sort((a, b) => a.k - b.k)
						.map((o) => o.v);
					break;
				case 'number': {
					const min = q.min ?? 0;
					const max = q.max ?? Math.max(min + 10, 10);
					answers[q.id] = Math.round(min + rand() * (max - min));
					break;
				}
				case 'short_text':
				case 'long_text': {
					const bad = unhappy > 0 && unhappy / Math.max(seen, 1) > 0.2;
					const text = bad
						? COMPLAINTS[Math.floor(rand() * COMPLAINTS.length)]
						: rand() < 0.25 || q.required
							? PRAISE[Math.floor(rand() * PRAISE.length)]
							: '';
					if (text) answers[q.id] = text.slice(0, q.maxLength);
				}
			}
		}
	}
	return { answers, others };
}

/** Demo waves to fill: the scheduling seeder's, else existing demo waves, else four made here. */
async function demoWaves(ctx: DemoContext): Promise<{ id: number; versionId: number }[]> {
	const fromCtx = (ctx as DemoContext & { waveIds?: Record<string, number> | number[] }).waveIds;
	const ids = fromCtx ? Object.values(fromCtx).filter((v) => typeof v === 'number') : [];
	let q = ctx.db
		.selectFrom('waves')
		.select(['id', 'version_id'])
		.where('is_demo', '=', true)
		.where('version_id', 'is not', null)
		.orderBy('scheduled_for');
	if (ids.length) q = q.where('id', 'in', ids);
	const rows = await q.execute();
	if (rows.length) return rows.map((r) => ({ id: r.id, versionId: r.version_id! }));
	const surveyId = ctx.surveyIds.quarterly ?? Object.values(ctx.surveyIds)[0];
	if (surveyId === undefined) return [];
	const versionId = await latestPublishedVersionId(ctx.db, surveyId);
	if (versionId === undefined) return [];
	const made: { id: number; versionId: number }[] = [];
	for (let i = 4; i >= 1; i--) {
		const at = new Date(ctx.now.getTime() - i * 30 * 86_400_000);
		const wave = await ctx.db
			.insertInto('waves')
			.values({
				survey_id: surveyId,
				version_id: versionId,
				segment_id: ctx.segmentIds.completed ?? null,
				kind: 'manual',
				name: `Demo wave ${at.toISOString().slice(0, 7)}`,
				scheduled_for: at,
				status: i === 1 ? 'open' : 'closed',
				closes_at: new Date(at.getTime() + (i === 1 ? 45 : 14) * 86_400_000),
				closed_at: i === 1 ? null : new Date(at.getTime() + 14 * 86_400_000),
				materialized_at: at,
				is_demo: true
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		made.push({ id: wave.id, versionId });
	}
	return made;
}

/** Invitations of a wave; when it has none, demo customers are invited (at most 80). */
async function invitationsOf(
	db: Db,
	waveId: number,
	at: Date
): Promise<{ id: number; customerId: number }[]> {
	const existing = await db
		.selectFrom('invitations')
		.select(['id', 'customer_id'])
		.where('wave_id', '=', waveId)
		.execute();
	if (existing.length) return existing.map((r) => ({ id: r.id, customerId: r.customer_id }));
	const customers = await db
		.selectFrom('customers')
		.select('id')
		.where('is_demo', '=', true)
		.where('erased_at', 'is', null)
		.orderBy('id')
		.limit(80)
		.execute();
	if (!customers.length) return [];
	const rows = await db
		.insertInto('invitations')
		.values(
			customers.map((c) => ({
				wave_id: waveId,
				customer_id: c.id,
				token_hash: sha256(randomToken()),
				sent_at: at
			}))
		)
		.returning(['id', 'customer_id'])
		.execute();
	await db
		.updateTable('waves')
		.set({ invited_count: rows.length })
		.where('id', '=', waveId)
		.execute();
	return rows.map((r) => ({ id: r.id, customerId: r.customer_id }));
}

/** Seeds completed (and a few partial) responses into the demo waves, with rollups and follow-ups. */
export async function seed(ctx: DemoContext): Promise<void> {
	const waves = await demoWaves(ctx);
	const rand = mulberry32(20_261_123);
	let total = 0;
	for (const [waveIndex, wave] of waves.entries()) {
		const version = await loadPublished(ctx.db, wave.versionId);
		if (!version) continue;
		const w = await ctx.db
			.selectFrom('waves')
			.select(['scheduled_for', 'survey_id'])
			.where('id', '=', wave.id)
			.executeTakeFirstOrThrow();
		const invitations = await invitationsOf(ctx.db, wave.id, w.scheduled_for);
		const taken = await ctx.db
			.selectFrom('responses')
			.select('invitation_id')
			.where('wave_id', '=', wave.id)
			.execute();
		const done = new Set(taken.map((t) => t.invitation_id));
		// set-based: one insert of responses, one of answers per chunk, one rebuild of the rollups
		const made = invitations
			.filter((inv) => !done.has(inv.id))
			.map((inv) => {
				const r = rand();
				const partial = r > 0.62;
				const at = new Date(
					Math.min(w.scheduled_for.getTime() + rand() * 10 * 86_400_000, ctx.now.getTime())
				);
				return { inv, skip: r > 0.68, partial, at, ...demoAnswers(version, waveIndex, rand) };
			})
			.filter((m) => !m.skip);
		if (!made.length) continue;
		const firstPage = new Set(version.definition.sections[0]?.questions.map((q) => q.id));
		await ctx.db.transaction().execute(async (trx) => {
			const ids = await trx
				.insertInto('responses')
				.values(
					made.map((m) => ({
						invitation_id: m.inv.id,
						survey_id: w.survey_id,
						version_id: version.id,
						wave_id: wave.id,
						customer_id: m.inv.customerId,
						status: m.partial ? ('partial' as const) : ('complete' as const),
						current_section: m.partial ? 1 : Math.max(version.definition.sections.length - 1, 0),
						is_demo: true,
						started_at: m.at,
						updated_at: m.at,
						completed_at: m.partial ? null : m.at
					}))
				)
				.returning(['id', 'invitation_id'])
				.execute();
			const idOf = new Map(ids.map((r) => [r.invitation_id, r.id]));
			const rows = made.flatMap((m) => {
				const kept = m.partial
					? Object.fromEntries(Object.entries(m.answers).filter(([k]) => firstPage.has(k)))
					: m.answers;
				return toRows(version, idOf.get(m.inv.id)!, kept, m.others);
			});
			for (let i = 0; i < rows.length; i += 2000)
				await trx
					.insertInto('answers')
					.values(rows.slice(i, i + 2000))
					.execute();
			for (const m of made)
				await trx
					.updateTable('invitations')
					.set({ opened_at: m.at, started_at: m.at, completed_at: m.partial ? null : m.at })
					.where('id', '=', m.inv.id)
					.execute();
			await results.rebuild(trx, wave.id);
			// follow-ups for the latest wave only, so the team's list is short and current
			if (waveIndex === waves.length - 1)
				for (const m of made)
					if (!m.partial) await results.followups.openIfRuleHolds(trx, idOf.get(m.inv.id)!);
		});
		total += made.filter((m) => !m.partial).length;
	}
	ctx.log(`Demo responses: ${total} completed responses in ${waves.length} waves.`);
}
