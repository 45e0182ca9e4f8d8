import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import * as segments from '$lib/server/segments';
import { json } from '$lib/server/db/json';
import type { RuleGroup } from '$lib/schemas/segments';
import { testDbKind, useTestDb } from '../helpers/db';

const ctx = useTestDb();
const now = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

async function customers(n: number, attrs: (i: number) => Record<string, unknown> = () => ({})) {
	const rows = Array.from({ length: n }, (_, i) => ({
		external_id: `c${i}`,
		email: `c${i}@example.com`,
		name: `Customer ${i}`,
		attributes: json(attrs(i))
	}));
	const ids: number[] = [];
	for (let i = 0; i < rows.length; i += 1000) {
		const r = await ctx.db
			.insertInto('customers')
			.values(rows.slice(i, i + 1000))
			.returning('id')
			.execute();
		ids.push(...r.map((x) => x.id));
	}
	return ids;
}

async function segment(
	rules: RuleGroup,
	extra: {
		samplePercent?: number;
		maxCustomers?: number | null;
		contactCapDays?: number | null;
	} = {}
) {
	const id = await segments.create(ctx.db, {
		name: 'Test',
		description: '',
		samplePercent: extra.samplePercent ?? 100,
		maxCustomers: extra.maxCustomers ?? null,
		contactCapDays: extra.contactCapDays ?? null,
		rules
	});
	return (await segments.get(ctx.db, id))!;
}

async function members(seg: Awaited<ReturnType<typeof segment>>, applyContactCap = false) {
	const rows = await segments.memberQuery(ctx.db, seg, { now, applyContactCap }).execute();
	return rows.map((r) => r.customer_id).sort((a, b) => a - b);
}

describe(`segments on ${testDbKind}`, () => {
	it('matches attribute rules combined with AND / OR groups', async () => {
		await customers(40, (i) => ({
			country: i % 2 ? 'DE' : 'FR',
			plan: i % 4 === 0 ? 'pro' : 'free',
			age: 20 + i
		}));
		const seg = await segment({
			type: 'group',
			op: 'and',
			children: [
				{ type: 'attribute', key: 'country', op: 'equals', value: 'FR' },
				{
					type: 'group',
					op: 'or',
					children: [
						{ type: 'attribute', key: 'plan', op: 'equals', value: 'pro' },
						{ type: 'attribute', key: 'age', op: 'gt', value: '55' }
					]
				}
			]
		});
		const ids = await members(seg);
		// FR = even i; pro = i%4==0 (10 customers) or age>55 = i>35 → even 36,38 not %4? 38
		expect(ids.length).toBe(11);
		const c = await segments.count(ctx.db, seg, { now });
		expect(c).toMatchObject({ matching: 11, sampled: 11, afterCap: 11 });
	});

	it('keeps the same persistent sample across runs, about N%, and draws a new one on rotation', async () => {
		await customers(4000);
		const seg = await segment({ type: 'group', op: 'and', children: [] }, { samplePercent: 5 });
		const first = await members(seg);
		const again = await members((await segments.get(ctx.db, seg.id))!);
		expect(again).toEqual(first);
		// 5% of 4000 = 200; binomial sd ≈ 14, so ±60 is far outside chance
		expect(first.length).toBeGreaterThan(140);
		expect(first.length).toBeLessThan(260);
		// a wider sample keeps the narrower one (a panel grows, it is not redrawn)
		await ctx.db
			.updateTable('segments')
			.set({ sample_percent: 10 })
			.where('id', '=', seg.id)
			.execute();
		const wider = await members((await segments.get(ctx.db, seg.id))!);
		expect(first.every((id) => wider.includes(id))).toBe(true);
		await segments.rotateSeed(ctx.db, seg.id);
		const rotated = await members((await segments.get(ctx.db, seg.id))!);
		const overlap = rotated.filter((id) => wider.includes(id)).length;
		expect(overlap).toBeLessThan(rotated.length * 0.3);
		const c = await segments.count(ctx.db, (await segments.get(ctx.db, seg.id))!, { now });
		expect(c.matching).toBe(4000);
		expect(c.sampled).toBe(rotated.length);
	});

	it('caps at max_customers with the same customers every time', async () => {
		await customers(300);
		const seg = await segment({ type: 'group', op: 'and', children: [] }, { maxCustomers: 25 });
		const a = await members(seg);
		expect(a).toHaveLength(25);
		expect(await members(seg)).toEqual(a);
		expect((await segments.count(ctx.db, seg, { now })).afterCap).toBe(25);
	});

	it('never includes unsubscribed, erased or e-mail-less customers', async () => {
		const ids = await customers(10);
		await ctx.db
			.updateTable('customers')
			.set({ unsubscribed_at: now })
			.where('id', '=', ids[0])
			.execute();
		await ctx.db
			.updateTable('customers')
			.set({ erased_at: now })
			.where('id', '=', ids[1])
			.execute();
		await ctx.db.updateTable('customers').set({ email: null }).where('id', '=', ids[2]).execute();
		const seg = await segment({ type: 'group', op: 'and', children: [] });
		expect(await members(seg)).toEqual(ids.slice(3));
	});

	it('applies the contact cap: global setting, per-segment override, 0 = off', async () => {
		const ids = await customers(6);
		const [survey] = await ctx.db
			.insertInto('surveys')
			.values({ title: 'S' })
			.returning('id')
			.execute();
		const [wave] = await ctx.db
			.insertInto('waves')
			.values({ survey_id: survey.id, scheduled_for: now })
			.returning('id')
			.execute();
		const invite = (customerId: number, daysAgo: number) =>
			ctx.db
				.insertInto('invitations')
				.values({
					wave_id: wave.id,
					customer_id: customerId,
					token_hash: `t${customerId}`,
					created_at: new Date(now.getTime() - daysAgo * DAY)
				})
				.execute();
		await invite(ids[0], 5);
		await invite(ids[1], 20);
		await invite(ids[2], 45);
		const seg = await segment({ type: 'group', op: 'and', children: [] });
		// default global cap: 30 days
		expect(await members(seg, true)).toEqual(ids.slice(2));
		expect(await segments.count(ctx.db, seg, { now })).toMatchObject({
			matching: 6,
			sampled: 6,
			afterCap: 4,
			capDays: 30
		});
		// a small sample checks the cap per sampled customer: same numbers as the members
		for (let i = 0, found = false; !found; i++) {
			const smallId = await segments.create(
				ctx.db,
				{
					name: 'Small',
					description: '',
					samplePercent: 20,
					maxCustomers: null,
					contactCapDays: null,
					rules: { type: 'group', op: 'and', children: [] }
				},
				{ seed: `small-${i}` }
			);
			const small = (await segments.get(ctx.db, smallId))!;
			const sampled = await members(small, false);
			// a seed whose sample holds a customer invited 5 or 20 days ago
			found = sampled.includes(ids[0]) || sampled.includes(ids[1]);
			const smallCount = await segments.count(ctx.db, small, { now });
			expect(smallCount.sampled).toBe(sampled.length);
			expect(smallCount.afterCap).toBe((await members(small, true)).length);
			if (found) expect(smallCount.afterCap).toBeLessThan(smallCount.sampled);
		}
		await segments.setGlobalCapDays(ctx.db, 10);
		expect(await members(seg, true)).toEqual(ids.slice(1));
		await segments.setGlobalCapDays(ctx.db, 0);
		expect(await members(seg, true)).toEqual(ids);
		const own = await segment({ type: 'group', op: 'and', children: [] }, { contactCapDays: 60 });
		expect(await members(own, true)).toEqual(ids.slice(3));
		// without the cap flag, everyone matching is a member
		expect(await members(own, false)).toEqual(ids);
		// usable as the SELECT of an INSERT … SELECT
		const [wave2] = await ctx.db
			.insertInto('waves')
			.values({ survey_id: survey.id, scheduled_for: new Date(now.getTime() + DAY) })
			.returning('id')
			.execute();
		const inserted = await ctx.db
			.insertInto('invitations')
			.columns(['wave_id', 'customer_id', 'token_hash'])
			.expression(
				ctx.db
					.selectFrom(segments.memberQuery(ctx.db, own, { now, applyContactCap: true }).as('m'))
					.select((eb) => [
						eb.val(wave2.id).as('wave_id'),
						'm.customer_id',
						sql<string>`md5(random()::text || m.customer_id::text)`.as('token_hash')
					])
			)
			.onConflict((oc) => oc.doNothing())
			.returning('id')
			.execute();
		expect(inserted).toHaveLength(3);
	});

	it('matches order rules: completed or abandoned within N days, counts and amounts', async () => {
		const ids = await customers(5);
		const order = (
			customerId: number,
			ref: string,
			status: 'completed' | 'abandoned',
			daysAgo: number,
			amount = 10
		) =>
			ctx.db
				.insertInto('orders')
				.values({
					customer_id: customerId,
					reference: ref,
					status,
					amount,
					at: new Date(now.getTime() - daysAgo * DAY)
				})
				.execute();
		await order(ids[0], 'a', 'completed', 10, 100);
		await order(ids[0], 'b', 'completed', 20, 100);
		await order(ids[1], 'c', 'completed', 120);
		await order(ids[2], 'd', 'abandoned', 5);
		await order(ids[3], 'e', 'completed', 30, 5);
		const rule = (
			status: 'completed' | 'abandoned',
			days: number | null,
			metric: 'count' | 'amount',
			op: 'at_least' | 'at_most',
			value: number
		) =>
			segment({
				type: 'group',
				op: 'and',
				children: [{ type: 'orders', status, days, metric, op, value }]
			});
		expect(await members(await rule('completed', 90, 'count', 'at_least', 1))).toEqual([
			ids[0],
			ids[3]
		]);
		expect(await members(await rule('abandoned', 90, 'count', 'at_least', 1))).toEqual([ids[2]]);
		expect(await members(await rule('completed', null, 'count', 'at_least', 2))).toEqual([ids[0]]);
		expect(await members(await rule('completed', 90, 'amount', 'at_least', 150))).toEqual([ids[0]]);
		// at most 0 completed orders in 90 days: includes customers without any orders
		expect(await members(await rule('completed', 90, 'count', 'at_most', 0))).toEqual([
			ids[1],
			ids[2],
			ids[4]
		]);
		// changed and deleted orders are reflected too (the latest order times follow them)
		await ctx.db
			.updateTable('orders')
			.set({ status: 'completed' })
			.where('reference', '=', 'd')
			.execute();
		await ctx.db.deleteFrom('orders').where('reference', '=', 'e').execute();
		expect(await members(await rule('completed', 90, 'count', 'at_least', 1))).toEqual([
			ids[0],
			ids[2]
		]);
		expect(await members(await rule('abandoned', 90, 'count', 'at_least', 1))).toEqual([]);
		expect(
			(await segments.count(ctx.db, await rule('completed', 90, 'count', 'at_most', 0), { now }))
				.matching
		).toBe(3);
		// rules that sum or count orders are counted with planner settings of their own, which
		// must not leak into a caller's transaction
		const spent = await rule('completed', 90, 'amount', 'at_least', 150);
		const expected = (await members(spent)).length;
		expect((await segments.count(ctx.db, spent, { now })).matching).toBe(expected);
		await ctx.db.transaction().execute(async (trx) => {
			expect((await segments.count(trx, spent, { now })).matching).toBe(expected);
			const setting = await sql<{
				v: string;
			}>`select current_setting('enable_hashjoin') as v`.execute(trx);
			expect(setting.rows[0].v).toBe('on');
		});
	});

	it('matches survey history: not invited recently, responded to a survey', async () => {
		const ids = await customers(3);
		const [survey] = await ctx.db
			.insertInto('surveys')
			.values({ title: 'S' })
			.returning('id')
			.execute();
		const [version] = await ctx.db
			.insertInto('survey_versions')
			.values({ survey_id: survey.id, number: 1, status: 'published', definition: json({}) })
			.returning('id')
			.execute();
		const [wave] = await ctx.db
			.insertInto('waves')
			.values({ survey_id: survey.id, scheduled_for: now })
			.returning('id')
			.execute();
		await ctx.db
			.insertInto('invitations')
			.values({
				wave_id: wave.id,
				customer_id: ids[0],
				token_hash: 'x',
				created_at: new Date(now.getTime() - 3 * DAY)
			})
			.execute();
		await ctx.db
			.insertInto('responses')
			.values({
				survey_id: survey.id,
				version_id: version.id,
				customer_id: ids[1],
				status: 'complete',
				completed_at: now
			})
			.execute();
		const notInvited = await segment({
			type: 'group',
			op: 'and',
			children: [{ type: 'not_invited', days: 7 }]
		});
		expect(await members(notInvited)).toEqual([ids[1], ids[2]]);
		const responded = await segment({
			type: 'group',
			op: 'and',
			children: [{ type: 'responded', surveyId: survey.id, days: null }]
		});
		expect(await members(responded)).toEqual([ids[1]]);
	});
});
