import { describe, expect, it } from 'vitest';
import {
	DummyDriver,
	Kysely,
	PostgresAdapter,
	PostgresIntrospector,
	PostgresQueryCompiler
} from 'kysely';
import type { Database } from '$lib/server/db';
import type { SegmentRow } from '$lib/server/db/schema';
import { memberQuery } from '$lib/server/segments';
import { applyIntent, draftFromForm, rulesFromDraft } from '$lib/server/segments/form';
import { rulesSchema, segmentSchema, type RuleGroup } from '$lib/schemas/segments';

const db = new Kysely<Database>({
	dialect: {
		createAdapter: () => new PostgresAdapter(),
		createDriver: () => new DummyDriver(),
		createIntrospector: (k) => new PostgresIntrospector(k),
		createQueryCompiler: () => new PostgresQueryCompiler()
	}
});

function segment(rules: unknown, extra: Partial<SegmentRow> = {}): SegmentRow {
	return {
		id: 1,
		name: 's',
		description: '',
		rules,
		sample_percent: 100,
		sample_seed: 'seed',
		max_customers: null,
		contact_cap_days: null,
		is_demo: false,
		created_at: new Date(),
		updated_at: new Date(),
		archived_at: null,
		...extra
	};
}

const now = new Date('2026-06-01T00:00:00Z');

describe('segment rule validation', () => {
	it('accepts a nested AND/OR tree of every condition type', () => {
		const rules = {
			type: 'group',
			op: 'and',
			children: [
				{ type: 'attribute', key: 'country', op: 'in', value: 'DE, AT' },
				{
					type: 'group',
					op: 'or',
					children: [
						{
							type: 'orders',
							status: 'completed',
							days: 90,
							metric: 'count',
							op: 'at_least',
							value: 2
						},
						{
							type: 'orders',
							status: 'any',
							days: null,
							metric: 'amount',
							op: 'at_most',
							value: 100
						}
					]
				},
				{ type: 'not_invited', days: 30 },
				{ type: 'responded', surveyId: 4, days: null }
			]
		};
		expect(rulesSchema.safeParse(rules).success).toBe(true);
	});

	it('refuses unsafe attribute names, missing values, bad numbers and deep nesting', () => {
		const bad = (child: unknown) =>
			rulesSchema.safeParse({ type: 'group', op: 'and', children: [child] }).success;
		expect(
			bad({ type: 'attribute', key: "x'); drop table customers;--", op: 'equals', value: 'a' })
		).toBe(false);
		expect(bad({ type: 'attribute', key: 'country', op: 'equals', value: '' })).toBe(false);
		expect(bad({ type: 'attribute', key: 'age', op: 'gt', value: 'old' })).toBe(false);
		expect(bad({ type: 'attribute', key: 'country', op: 'exists', value: '' })).toBe(true);
		expect(
			bad({ type: 'orders', status: 'lost', days: 9, metric: 'count', op: 'at_least', value: 1 })
		).toBe(false);
		expect(bad({ type: 'not_invited', days: 0 })).toBe(false);
		let deep: RuleGroup = { type: 'group', op: 'and', children: [] };
		for (let i = 0; i < 5; i++) deep = { type: 'group', op: 'or', children: [deep] };
		expect(rulesSchema.safeParse(deep).success).toBe(false);
	});

	it('validates the sample percentage and caps', () => {
		const base = { name: 'n', rules: { type: 'group', op: 'and', children: [] } };
		expect(segmentSchema.safeParse({ ...base, samplePercent: '5' }).success).toBe(true);
		expect(segmentSchema.safeParse({ ...base, samplePercent: '0' }).success).toBe(false);
		expect(segmentSchema.safeParse({ ...base, samplePercent: '101' }).success).toBe(false);
		expect(segmentSchema.safeParse({ ...base, maxCustomers: '-3' }).success).toBe(false);
		expect(segmentSchema.safeParse({ ...base, maxCustomers: '' }).data?.maxCustomers).toBeNull();
	});
});

describe('segment rule compilation', () => {
	it('binds every user value as a parameter, attribute names included', () => {
		const evil = "Robert'); drop table customers;--";
		const q = memberQuery(
			db,
			segment({
				type: 'group',
				op: 'or',
				children: [
					{ type: 'attribute', key: 'country', op: 'equals', value: evil },
					{ type: 'attribute', key: 'nickname', op: 'contains', value: evil },
					{ type: 'attribute', key: 'score', op: 'gt', value: '5' }
				]
			}),
			{ now, applyContactCap: true }
		).compile();
		expect(q.sql).not.toContain('Robert');
		expect(q.sql).not.toContain('nickname');
		expect(q.sql).not.toContain('country');
		expect(q.parameters).toContain('nickname');
		expect(q.parameters).toContain(JSON.stringify({ country: evil }));
		expect(q.parameters.some((p) => typeof p === 'string' && p.includes('Robert'))).toBe(true);
		expect(q.sql).toMatch(/^select "customers"."id" as "customer_id" from "customers" where/);
	});

	it('always excludes unsubscribed, erased and e-mail-less customers and applies sample and cap', () => {
		const q = memberQuery(
			db,
			segment(
				{ type: 'group', op: 'and', children: [] },
				{ sample_percent: 5, max_customers: 100 }
			),
			{
				now,
				applyContactCap: true
			}
		).compile();
		expect(q.sql).toContain('"customers"."unsubscribed_at" is null');
		expect(q.sql).toContain('"customers"."erased_at" is null');
		expect(q.sql).toContain('"customers"."email" is not null');
		expect(q.sql).toContain('hashint4extended(');
		expect(q.sql).toContain('invitations');
		expect(q.sql).toMatch(/limit \$\d+$/);
		expect(q.parameters).toContain(5000);
		expect(q.parameters).toContain(100);
	});

	it('compiles order counts as a grouped subquery and "at least one" as EXISTS', () => {
		const many = memberQuery(
			db,
			segment({
				type: 'group',
				op: 'and',
				children: [
					{
						type: 'orders',
						status: 'completed',
						days: 30,
						metric: 'count',
						op: 'at_least',
						value: 3
					}
				]
			}),
			{ now, applyContactCap: false }
		).compile();
		expect(many.sql).toContain('group by "orders"."customer_id" having count(*) >=');
		const one = memberQuery(
			db,
			segment({
				type: 'group',
				op: 'and',
				children: [
					{
						type: 'orders',
						status: 'abandoned',
						days: 90,
						metric: 'count',
						op: 'at_least',
						value: 1
					}
				]
			}),
			{ now, applyContactCap: false }
		).compile();
		expect(one.sql).toContain('"customers"."last_abandoned_order_at" >=');
		expect(one.sql).not.toContain('"orders"');
	});

	it('treats a stored tree that no longer validates as matching nobody', () => {
		const q = memberQuery(db, segment({ type: 'nonsense' }), {
			now,
			applyContactCap: false
		}).compile();
		expect(q.sql).toContain('false');
	});
});

describe('the rule builder form', () => {
	it('reads a posted tree, applies add/remove buttons and reports errors by field', () => {
		const posted = {
			'r.op': 'or',
			'r.0.type': 'attribute',
			'r.0.key': 'country',
			'r.0.op': 'equals',
			'r.0.value': 'DE',
			'r.2.type': 'orders',
			'r.2.status': 'completed',
			'r.2.days': '',
			'r.2.metric': 'count',
			'r.2.op': 'at_least',
			'r.2.value': '1'
		};
		const draft = draftFromForm(posted);
		expect(draft.type === 'group' && draft.children.map((c) => c.path)).toEqual(['r.0', 'r.1']);
		const ok = rulesFromDraft(draft);
		expect(ok.ok && ok.rules.children[1]).toMatchObject({ type: 'orders', days: null });
		const added = applyIntent(draft, 'add:attribute:r');
		const bad = rulesFromDraft(added);
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.errors['r.2.key']).toMatch(/attribute name/);
		const removed = applyIntent(added, 'remove:r.0');
		expect(removed.type === 'group' && removed.children.map((c) => c.type)).toEqual([
			'orders',
			'attribute'
		]);
	});
});
