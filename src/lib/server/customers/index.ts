import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import type { CustomerRow as CustomerDbRow } from '../db/schema';
import { json } from '../db/json';
import * as results from '../results';
import type { CustomerListQuery } from '../../schemas/customers';

export { upsertCustomers, upsertOrders, type UpsertResult } from './upsert';
export * as imports from './imports';

export class CustomerNotFoundError extends Error {
	constructor() {
		super('That customer does not exist.');
	}
}
export class CustomerErasedError extends Error {
	constructor() {
		super('This customer has been erased; their personal data is gone.');
	}
}

export interface Customer {
	id: number;
	externalId: string;
	email: string | null;
	name: string;
	locale: string;
	timeZone: string | null;
	attributes: Record<string, unknown>;
	isDemo: boolean;
	createdAt: Date;
	updatedAt: Date;
	unsubscribedAt: Date | null;
	erasedAt: Date | null;
}

/** A database row as the app's customer. */
export function rowToCustomer(r: CustomerDbRow): Customer {
	return {
		id: r.id,
		externalId: r.external_id,
		email: r.email,
		name: r.name,
		locale: r.locale,
		timeZone: r.time_zone,
		attributes: r.attributes ?? {},
		isDemo: r.is_demo,
		createdAt: r.created_at,
		updatedAt: r.updated_at,
		unsubscribedAt: r.unsubscribed_at,
		erasedAt: r.erased_at
	};
}

export const PAGE_SIZE = 50;

export interface CustomerPage {
	customers: Customer[];
	/** cursor for the next page (ids ascending), or null on the last page */
	nextAfter: number | null;
	/** cursor for the previous page, or null on the first page */
	prevBefore: number | null;
}

function escapeLike(value: string): string {
	return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * One page of customers in id order, by keyset (`id > after` / `id < before`) so page 20,000 is
 * as fast as page 1. Search is a prefix match on e-mail, name or external id (indexed); the
 * attribute filter uses the GIN index (`attributes @> {key: value}`).
 */
export async function list(db: DbOrTrx, query: CustomerListQuery): Promise<CustomerPage> {
	const q = query.q.toLowerCase();
	const backwards = query.before !== undefined && query.after === undefined;
	const rows = await db
		.selectFrom('customers')
		.selectAll()
		.$if(q !== '', (b) =>
			b.where((eb) => {
				const prefix = escapeLike(q) + '%';
				return eb.or([
					eb(sql`lower(email)`, 'like', prefix),
					eb(sql`lower(name)`, 'like', prefix),
					eb(sql`lower(external_id)`, 'like', prefix)
				]);
			})
		)
		.$if(query.attr !== '', (b) =>
			b.where(({ eb, or }) => {
				const forms: unknown[] = [query.value];
				if (query.value !== '' && Number.isFinite(Number(query.value)))
					forms.push(Number(query.value));
				if (query.value === '')
					return eb(sql`customers.attributes->${query.attr}::text`, 'is not', null);
				// the document travels as text: postgres.js would send a jsonb-typed string as a JSON string
				return or(
					forms.map((v) =>
						eb(
							'attributes',
							'@>',
							sql<Record<string, unknown>>`(${JSON.stringify({ [query.attr]: v })}::text)::jsonb`
						)
					)
				);
			})
		)
		.$if(query.after !== undefined, (b) => b.where('id', '>', query.after!))
		.$if(backwards, (b) => b.where('id', '<', query.before!))
		.orderBy('id', backwards ? 'desc' : 'asc')
		.limit(PAGE_SIZE + 1)
		.execute();
	const more = rows.length > PAGE_SIZE;
	const page = rows.slice(0, PAGE_SIZE);
	if (backwards) page.reverse();
	const customers = page.map(rowToCustomer);
	const first = customers[0]?.id;
	const last = customers.at(-1)?.id;
	return {
		customers,
		nextAfter: last === undefined ? null : backwards || more ? last : null,
		prevBefore:
			first === undefined ? null : backwards ? (more ? first : null) : query.after ? first : null
	};
}

/** A rough total (planner estimate when there are many rows, exact when few). */
export async function estimateCount(db: DbOrTrx): Promise<number> {
	const est = await sql<{
		n: number;
	}>`select reltuples::bigint as n from pg_class where relname = 'customers'`.execute(db);
	const n = Number(est.rows[0]?.n ?? -1);
	if (n > 100_000) return n;
	const exact = await db
		.selectFrom('customers')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(exact.n);
}

/** One customer, or undefined. */
export async function get(db: DbOrTrx, id: number): Promise<Customer | undefined> {
	const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
	return row ? rowToCustomer(row) : undefined;
}

/** A customer's orders, invitations and responses for the customer page (newest first). */
export async function history(db: DbOrTrx, id: number, limit = 100) {
	const [orders, invitations, responses] = await Promise.all([
		db
			.selectFrom('orders')
			.select(['id', 'reference', 'status', 'amount', 'currency', 'at'])
			.where('customer_id', '=', id)
			.orderBy('at', 'desc')
			.limit(limit)
			.execute(),
		db
			.selectFrom('invitations')
			.innerJoin('waves', 'waves.id', 'invitations.wave_id')
			.innerJoin('surveys', 'surveys.id', 'waves.survey_id')
			.select([
				'invitations.id',
				'invitations.created_at',
				'invitations.sent_at',
				'invitations.opened_at',
				'invitations.completed_at',
				'waves.name as wave_name',
				'waves.scheduled_for',
				'surveys.id as survey_id',
				'surveys.title as survey_title'
			])
			.where('invitations.customer_id', '=', id)
			.orderBy('invitations.created_at', 'desc')
			.limit(limit)
			.execute(),
		db
			.selectFrom('responses')
			.innerJoin('surveys', 'surveys.id', 'responses.survey_id')
			.select([
				'responses.id',
				'responses.status',
				'responses.started_at',
				'responses.completed_at',
				'responses.wave_id',
				'surveys.id as survey_id',
				'surveys.title as survey_title'
			])
			.where('responses.customer_id', '=', id)
			.orderBy('responses.started_at', 'desc')
			.limit(limit)
			.execute()
	]);
	return { orders, invitations, responses };
}

/** Marks a customer unsubscribed (idempotent): they are never invited again. */
export async function unsubscribe(
	db: DbOrTrx,
	id: number,
	opts: { userId?: number | null; now?: Date } = {}
): Promise<void> {
	const at = opts.now ?? new Date();
	const r = await db
		.updateTable('customers')
		.set({
			unsubscribed_at: sql<Date>`coalesce(unsubscribed_at, ${at}::timestamptz)`,
			updated_at: at
		})
		.where('id', '=', id)
		.executeTakeFirst();
	if (!r.numUpdatedRows) throw new CustomerNotFoundError();
	await db
		.insertInto('audit_log')
		.values({
			user_id: opts.userId ?? null,
			action: 'customer.unsubscribe',
			entity: 'customer',
			entity_id: String(id),
			details: json({ by: opts.userId ? 'user' : 'customer' })
		})
		.execute();
}

/** Lets an editor re-subscribe a customer who asked to be surveyed again. */
export async function resubscribe(db: DbOrTrx, id: number, userId: number): Promise<void> {
	const r = await db
		.updateTable('customers')
		.set({ unsubscribed_at: null, updated_at: new Date() })
		.where('id', '=', id)
		.where('erased_at', 'is', null)
		.executeTakeFirst();
	if (!r.numUpdatedRows) throw new CustomerNotFoundError();
	await db
		.insertInto('audit_log')
		.values({
			user_id: userId,
			action: 'customer.resubscribe',
			entity: 'customer',
			entity_id: String(id)
		})
		.execute();
}

/**
 * GDPR erasure: nulls the personal data (e-mail, name, attributes, time zone; the external id
 * becomes `erased-<id>`), deletes the customer's free-text answers, keeps numeric answers so
 * aggregates do not shift, and writes the audit log. In one transaction; idempotent.
 */
export async function erase(db: DbOrTrx, id: number, userId: number | null): Promise<void> {
	const run = async (trx: DbOrTrx) => {
		const row = await trx
			.selectFrom('customers')
			.select(['id', 'erased_at'])
			.where('id', '=', id)
			.forUpdate()
			.executeTakeFirst();
		if (!row) throw new CustomerNotFoundError();
		const now = new Date();
		await trx
			.updateTable('customers')
			.set({
				external_id: `erased-${id}`,
				email: null,
				name: '',
				time_zone: null,
				attributes: json({}),
				erased_at: sql<Date>`coalesce(erased_at, ${now}::timestamptz)`,
				unsubscribed_at: sql<Date>`coalesce(unsubscribed_at, ${now}::timestamptz)`,
				updated_at: now
			})
			.where('id', '=', id)
			.execute();
		const texts = await trx
			.updateTable('answers')
			.set({ text: null })
			.where('text', 'is not', null)
			.where('response_id', 'in', (eb) =>
				eb.selectFrom('responses').select('responses.id').where('responses.customer_id', '=', id)
			)
			.executeTakeFirst();
		// an answer that was only text carries nothing numeric: remove the empty row
		await trx
			.deleteFrom('answers')
			.where('text', 'is', null)
			.where('value', 'is', null)
			.where('score', 'is', null)
			.where('response_id', 'in', (eb) =>
				eb.selectFrom('responses').select('responses.id').where('responses.customer_id', '=', id)
			)
			.execute();
		await trx
			.deleteFrom('outbox')
			.where('status', 'in', ['pending', 'failed'])
			.where('invitation_id', 'in', (eb) =>
				eb
					.selectFrom('invitations')
					.select('invitations.id')
					.where('invitations.customer_id', '=', id)
			)
			.execute();
		await trx
			.insertInto('audit_log')
			.values({
				user_id: userId,
				action: 'customer.erase',
				entity: 'customer',
				entity_id: String(id),
				details: json({
					textAnswersRemoved: Number(texts.numUpdatedRows),
					alreadyErased: row.erased_at !== null
				})
			})
			.execute();
		// the free-text counts in the results rollups change: recompute the customer's waves
		await results.rebuildForCustomer(trx, id);
	};
	if (db.isTransaction) await run(db);
	else await db.transaction().execute(run);
}

/** Everything Soundings holds about one customer, for a right-of-access request. */
export async function exportData(db: DbOrTrx, id: number, userId: number | null = null) {
	const customer = await get(db, id);
	if (!customer) throw new CustomerNotFoundError();
	await db
		.insertInto('audit_log')
		.values({
			user_id: userId,
			action: 'customer.export',
			entity: 'customer',
			entity_id: String(id)
		})
		.execute();
	const [orders, invitations, responses, answers] = await Promise.all([
		db.selectFrom('orders').selectAll().where('customer_id', '=', id).orderBy('at').execute(),
		db
			.selectFrom('invitations')
			.select([
				'id',
				'wave_id',
				'created_at',
				'sent_at',
				'opened_at',
				'started_at',
				'completed_at',
				'reminders_sent'
			])
			.where('customer_id', '=', id)
			.orderBy('created_at')
			.execute(),
		db
			.selectFrom('responses')
			.select(['id', 'survey_id', 'wave_id', 'status', 'started_at', 'completed_at'])
			.where('customer_id', '=', id)
			.orderBy('started_at')
			.execute(),
		db
			.selectFrom('answers')
			.innerJoin('responses', 'responses.id', 'answers.response_id')
			.innerJoin('questions', 'questions.id', 'answers.question_id')
			.select([
				'answers.response_id',
				'questions.prompt',
				'answers.item',
				'answers.value',
				'answers.text'
			])
			.where('responses.customer_id', '=', id)
			.orderBy('answers.id')
			.execute()
	]);
	return {
		exportedAt: new Date().toISOString(),
		customer,
		orders,
		invitations,
		responses: responses.map((r) => ({
			...r,
			answers: answers.filter((a) => a.response_id === r.id)
		}))
	};
}

/** Attribute keys in use (from a sample of recent customers), for filter and rule pickers. */
export async function attributeKeys(db: DbOrTrx): Promise<string[]> {
	const r = await sql<{ key: string }>`
		select distinct jsonb_object_keys(attributes) as key
		from (select attributes from customers order by id desc limit 2000) s
		order by key limit 100`.execute(db);
	return r.rows.map((x) => x.key);
}
