import { createHash } from 'node:crypto';
import {
	sql,
	type Expression,
	type ExpressionBuilder,
	type SelectQueryBuilder,
	type SqlBool
} from 'kysely';
import type { Database, DbOrTrx } from '../db';
import type { SegmentRow } from '../db/schema';
import { json } from '../db/json';
import { rulesSchema, emptyRules, type RuleGroup, type SegmentInput } from '../../schemas/segments';
import { aggregatesOrders, compileRules } from './compile';

export { compileRules } from './compile';
export * as builder from './builder';
export type { SegmentRow } from '../db/schema';

export const DEFAULT_CONTACT_CAP_DAYS = 30;
const CONTACT_CAP_KEY = 'contact_cap_days';

export class SegmentNotFoundError extends Error {
	constructor() {
		super('That segment no longer exists.');
	}
}
export class InvalidRulesError extends Error {}

/** The segment's validated rules, or null when the stored tree no longer validates. */
export function rulesOf(segment: Pick<SegmentRow, 'rules'>): RuleGroup | null {
	const parsed = rulesSchema.safeParse(segment.rules);
	return parsed.success ? parsed.data : null;
}

/** The rules as a WHERE expression; rules that no longer validate match nobody. */
function where(eb: ExpressionBuilder<Database, 'customers'>, rules: RuleGroup | null, now: Date) {
	return rules ? compileRules(eb, rules, now) : sql<SqlBool>`false`;
}

/** A segment seed as a 48-bit integer key for the hash below (computed once, in JS). */
export function seedKey(seed: string): number {
	return parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 12), 16);
}

/**
 * The persistent sample bucket 0–99999 of a customer for a seed (stable across runs): PostgreSQL's
 * seeded integer hash of the customer id (hashint4extended, the same function on PostgreSQL and
 * PGlite). About 15× cheaper per row than md5 of text, which dominated the count at 1M customers.
 */
function bucket(seed: string) {
	return sql<number>`((hashint4extended(${sql.ref('customers.id')}, ${String(seedKey(seed))}::bigint) & 2147483647) % 100000)`;
}

/** Customers who may be invited at all: subscribed, not erased, with an e-mail address. */
function reachable(eb: ExpressionBuilder<Database, 'customers'>) {
	return eb.and([
		eb('customers.unsubscribed_at', 'is', null),
		eb('customers.erased_at', 'is', null),
		eb('customers.email', 'is not', null),
		eb('customers.email', '<>', '')
	]);
}

/** The contact cap in days for a segment as SQL (segment override, else the global setting). */
function capDaysExpr(segment: Pick<SegmentRow, 'contact_cap_days'>) {
	if (segment.contact_cap_days !== null) return sql<number>`${segment.contact_cap_days}::int`;
	return sql<number>`coalesce((select (s.value #>> '{}')::int from settings s where s.key = ${CONTACT_CAP_KEY}), ${DEFAULT_CONTACT_CAP_DAYS}::int)`;
}

/** True when the customer was invited within the contact cap (so must not be invited now). */
function recentlyContacted(segment: Pick<SegmentRow, 'contact_cap_days'>, now: Date) {
	const days = capDaysExpr(segment);
	return sql<SqlBool>`(${days} > 0 and exists (select 1 from invitations ci where ci.customer_id = ${sql.ref('customers.id')} and ci.created_at > ${now}::timestamptz - make_interval(days => ${days})))`;
}

/** Samples up to this threshold (25%) check the contact cap by index probes, larger ones by hash. */
const PROBE_CAP_BELOW = 25_000;

/** Threshold for `bucket < threshold`, or null when everyone is kept. */
function sampleThreshold(segment: Pick<SegmentRow, 'sample_percent'>): number | null {
	const p = Number(segment.sample_percent);
	return p >= 100 ? null : Math.round(p * 1000);
}

/**
 * Kysely select of `customers.id as customer_id` for the segment's current members: rules,
 * persistent sample (hash of customer id + segment seed), max_customers cap and (when
 * opts.applyContactCap) the contact-frequency cap; always excludes unsubscribed and erased
 * customers and customers without e-mail. Usable as the SELECT of an INSERT … SELECT.
 */
export function memberQuery(
	db: DbOrTrx,
	segment: SegmentRow,
	opts: { now: Date; applyContactCap: boolean }
): SelectQueryBuilder<Database, 'customers', { customer_id: number }> {
	const rules = rulesOf(segment);
	const threshold = sampleThreshold(segment);
	let q = db
		.selectFrom('customers')
		.select('customers.id as customer_id')
		.where((eb) => {
			const parts: Expression<SqlBool>[] = [reachable(eb), where(eb, rules, opts.now)];
			if (threshold !== null) parts.push(eb(bucket(segment.sample_seed), '<', threshold));
			if (opts.applyContactCap) parts.push(eb.not(recentlyContacted(segment, opts.now)));
			return eb.and(parts);
		});
	if (segment.max_customers !== null) {
		// the cap keeps the customers with the lowest sample buckets: the same ones every time
		q = q.orderBy(bucket(segment.sample_seed)).orderBy('customers.id').limit(segment.max_customers);
	}
	return q;
}

/** One segment (archived ones too), or undefined. */
export async function get(db: DbOrTrx, id: number): Promise<SegmentRow | undefined> {
	return db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface SegmentCount {
	/** reachable customers (subscribed, not erased, with an e-mail) matching the rules */
	matching: number;
	/** …of those, in the persistent sample */
	sampled: number;
	/** …of those, not contacted within the contact cap, and at most max_customers */
	afterCap: number;
	/** the contact cap in days that applied (0 = none) */
	capDays: number;
}

type CountableSegment = Pick<
	SegmentRow,
	'rules' | 'sample_percent' | 'sample_seed' | 'max_customers' | 'contact_cap_days'
>;

/** The live count in one pass: matching → sampled → after contact cap (and max_customers). */
export async function count(
	db: DbOrTrx,
	segment: CountableSegment,
	opts: { now: Date }
): Promise<SegmentCount> {
	const rules = rulesOf(segment);
	if (!rules || !aggregatesOrders(rules)) return countWith(db, segment, rules, opts);
	// Rules that count or sum orders in a window: streamed through the orders index in customer
	// order and merged with customers, that aggregate takes ~0.7 s at 1M customers; PostgreSQL's
	// default plan (a hashed aggregate built again by each parallel worker, then probed by every
	// customer) took ~1.5 s. The settings hold for this one statement's transaction only.
	const run = async (trx: DbOrTrx) => {
		for (const set of ORDER_AGGREGATE_SETTINGS) await sql.raw(`set local ${set}`).execute(trx);
		const counted = await countWith(trx, segment, rules, opts);
		// a caller's transaction goes on with the usual planner (after an error it is aborted)
		if (db.isTransaction)
			for (const set of ORDER_AGGREGATE_SETTINGS)
				await sql.raw(`set local ${set.split(' = ')[0]} to default`).execute(trx);
		return counted;
	};
	return db.isTransaction ? run(db) : db.transaction().execute(run);
}

const ORDER_AGGREGATE_SETTINGS = [
	'enable_hashjoin = off',
	'enable_hashagg = off',
	'max_parallel_workers_per_gather = 0'
] as const;

async function countWith(
	db: DbOrTrx,
	segment: CountableSegment,
	rules: RuleGroup | null,
	opts: { now: Date }
): Promise<SegmentCount> {
	const threshold = sampleThreshold(segment);
	const capDays = await effectiveCapDays(db, segment);
	const inSample =
		threshold === null
			? sql<SqlBool>`true`
			: sql<SqlBool>`${bucket(segment.sample_seed)} < ${threshold}`;
	const cutoff = new Date(opts.now.getTime() - capDays * 86_400_000);
	const matches = db
		.selectFrom('customers')
		.select(['customers.id', inSample.as('in_sample')])
		.where((eb) => eb.and([reachable(eb), where(eb, rules, opts.now)]));
	// One scan counts all three numbers. The contact cap only matters for sampled customers: for a
	// small sample one index probe each (invitations by customer, created_at) is far cheaper than
	// hashing every recent invitation; for a large one, one hashed anti-join.
	const probe = threshold !== null && threshold <= PROBE_CAP_BELOW;
	const recent = db
		.selectFrom('invitations')
		.select('invitations.customer_id')
		.distinct()
		.where(capDays > 0 && !probe ? sql<SqlBool>`true` : sql<SqlBool>`false`)
		.where('invitations.created_at', '>', cutoff);
	const row = await db
		.selectFrom(matches.as('m'))
		.leftJoin(recent.as('recent'), 'recent.customer_id', 'm.id')
		.select((eb) => [
			eb.fn.countAll<number>().as('matching'),
			eb.fn.countAll<number>().filterWhere('m.in_sample', '=', true).as('sampled'),
			eb.fn
				.countAll<number>()
				.filterWhere((f) =>
					f.and([
						f('m.in_sample', '=', true),
						probe && capDays > 0
							? f.not(
									f.exists(
										f
											.selectFrom('invitations as ci')
											.select(sql.lit(1).as('one'))
											.whereRef('ci.customer_id', '=', 'm.id')
											.where('ci.created_at', '>', cutoff)
									)
								)
							: f('recent.customer_id', 'is', null)
					])
				)
				.as('after_cap')
		])
		.executeTakeFirstOrThrow();
	const afterCap = Number(row.after_cap);
	return {
		matching: Number(row.matching),
		sampled: Number(row.sampled),
		afterCap: segment.max_customers === null ? afterCap : Math.min(afterCap, segment.max_customers),
		capDays
	};
}

/** A few matching customers (in the sample, contact cap ignored) to check the rules by eye. */
export async function sample(
	db: DbOrTrx,
	segment: CountableSegment,
	opts: { now: Date; limit?: number }
) {
	const full = {
		id: 0,
		name: '',
		description: '',
		is_demo: false,
		created_at: opts.now,
		updated_at: opts.now,
		archived_at: null,
		...segment
	} as SegmentRow;
	return db
		.selectFrom('customers')
		.select(['id', 'external_id', 'email', 'name', 'attributes'])
		.where(
			'id',
			'in',
			memberQuery(db, { ...full, max_customers: null }, { now: opts.now, applyContactCap: false })
		)
		.orderBy('id')
		.limit(opts.limit ?? 10)
		.execute();
}

/** The contact cap in days for a segment: its override, else the global setting. */
export async function effectiveCapDays(
	db: DbOrTrx,
	segment: Pick<SegmentRow, 'contact_cap_days'>
): Promise<number> {
	return segment.contact_cap_days ?? (await globalCapDays(db));
}

/** The global contact-frequency cap in days (0 = none). */
export async function globalCapDays(db: DbOrTrx): Promise<number> {
	const row = await db
		.selectFrom('settings')
		.select('value')
		.where('key', '=', CONTACT_CAP_KEY)
		.executeTakeFirst();
	const n = Number(row?.value);
	return row && Number.isInteger(n) && n >= 0 ? n : DEFAULT_CONTACT_CAP_DAYS;
}

/** Sets the global contact-frequency cap (days, 0 = none). */
export async function setGlobalCapDays(
	db: DbOrTrx,
	days: number,
	userId: number | null = null
): Promise<void> {
	await db
		.insertInto('settings')
		.values({ key: CONTACT_CAP_KEY, value: json(days) })
		.onConflict((oc) =>
			oc
				.column('key')
				.doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: new Date() }))
		)
		.execute();
	await db
		.insertInto('audit_log')
		.values({
			user_id: userId,
			action: 'settings.contact_cap_days',
			entity: 'settings',
			entity_id: CONTACT_CAP_KEY,
			details: json({ days })
		})
		.execute();
}

export interface SegmentSummary {
	id: number;
	name: string;
	description: string;
	samplePercent: number;
	maxCustomers: number | null;
	contactCapDays: number | null;
	isDemo: boolean;
	updatedAt: Date;
}

function toSummary(r: SegmentRow): SegmentSummary {
	return {
		id: r.id,
		name: r.name,
		description: r.description,
		samplePercent: Number(r.sample_percent),
		maxCustomers: r.max_customers,
		contactCapDays: r.contact_cap_days,
		isDemo: r.is_demo,
		updatedAt: r.updated_at
	};
}

/** Active (not archived) segments, newest first. */
export async function list(db: DbOrTrx): Promise<SegmentSummary[]> {
	const rows = await db
		.selectFrom('segments')
		.selectAll()
		.where('archived_at', 'is', null)
		.orderBy('updated_at', 'desc')
		.orderBy('id', 'desc')
		.execute();
	return rows.map(toSummary);
}

/** Creates a segment; returns its id. */
export async function create(
	db: DbOrTrx,
	input: SegmentInput,
	opts: { isDemo?: boolean; seed?: string } = {}
): Promise<number> {
	const row = await db
		.insertInto('segments')
		.values({
			name: input.name,
			description: input.description,
			rules: json(input.rules),
			sample_percent: input.samplePercent,
			max_customers: input.maxCustomers,
			contact_cap_days: input.contactCapDays,
			is_demo: opts.isDemo ?? false,
			...(opts.seed ? { sample_seed: opts.seed } : {})
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Updates a segment's name, rules, sample and caps (the seed, and so the panel, stays). */
export async function update(db: DbOrTrx, id: number, input: SegmentInput): Promise<void> {
	const r = await db
		.updateTable('segments')
		.set({
			name: input.name,
			description: input.description,
			rules: json(input.rules),
			sample_percent: input.samplePercent,
			max_customers: input.maxCustomers,
			contact_cap_days: input.contactCapDays,
			updated_at: new Date()
		})
		.where('id', '=', id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!r.numUpdatedRows) throw new SegmentNotFoundError();
}

/** Draws a new persistent panel: a new random seed. */
export async function rotateSeed(db: DbOrTrx, id: number): Promise<void> {
	const r = await db
		.updateTable('segments')
		.set({
			sample_seed: sql<string>`md5(random()::text || clock_timestamp()::text)`,
			updated_at: new Date()
		})
		.where('id', '=', id)
		.executeTakeFirst();
	if (!r.numUpdatedRows) throw new SegmentNotFoundError();
}

/** Archives a segment (schedules that use it keep their history). */
export async function archive(db: DbOrTrx, id: number): Promise<void> {
	const r = await db
		.updateTable('segments')
		.set({ archived_at: new Date(), updated_at: new Date() })
		.where('id', '=', id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	if (!r.numUpdatedRows) throw new SegmentNotFoundError();
}

/** The empty rule tree for a new segment. */
export const newRules = emptyRules;

/** Published-or-not surveys for the "responded to survey X" condition. */
export async function surveyOptions(db: DbOrTrx): Promise<{ id: number; title: string }[]> {
	return db
		.selectFrom('surveys')
		.select(['id', 'title'])
		.where('archived_at', 'is', null)
		.where('is_template', '=', false)
		.orderBy('title')
		.limit(500)
		.execute();
}
