import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import type { CustomerRow, OrderRow } from '../../schemas/customers';

// Set-based batch upserts shared by the CSV import, the CLI and the JSON API. A batch travels as
// one JSON parameter and is unpacked by json_to_recordset: one round trip, one statement, and the
// same on PGlite and PostgreSQL.

export interface UpsertResult {
	created: number;
	updated: number;
}

/**
 * Creates or updates customers by external id. Empty fields keep the stored value; attributes are
 * merged. The batch must not repeat an external id (callers de-duplicate).
 */
export async function upsertCustomers(
	db: DbOrTrx,
	rows: CustomerRow[],
	opts: { isDemo?: boolean } = {}
): Promise<UpsertResult> {
	if (rows.length === 0) return { created: 0, updated: 0 };
	const payload = JSON.stringify(
		rows.map((r) => ({
			external_id: r.external_id,
			email: r.email ?? null,
			name: r.name ?? null,
			locale: r.locale ?? null,
			time_zone: r.time_zone ?? null,
			attributes: r.attributes ?? {}
		}))
	);
	// one statement: insert the new ids, update the existing ones (same snapshot, so no row is both)
	const result = await sql<{ created: number; updated: number }>`
		with x as materialized (
			select * from json_to_recordset(${payload}::text::json)
				as x(external_id text, email text, name text, locale text, time_zone text, attributes jsonb)
		), ins as (
			insert into customers (external_id, email, name, locale, time_zone, attributes, is_demo)
			select x.external_id, x.email, coalesce(x.name, ''), coalesce(x.locale, 'en'), x.time_zone,
				coalesce(x.attributes, '{}'::jsonb), ${opts.isDemo ?? false}
			from x
			on conflict (external_id) do nothing
			returning external_id
		), upd as (
			update customers c set
				email = coalesce(x.email, c.email),
				name = coalesce(x.name, c.name),
				locale = coalesce(x.locale, c.locale),
				time_zone = coalesce(x.time_zone, c.time_zone),
				attributes = c.attributes || coalesce(x.attributes, '{}'::jsonb),
				updated_at = now()
			from x
			where c.external_id = x.external_id and c.erased_at is null
				-- rows just inserted are not visible here anyway; an empty remainder skips the join
				and x.external_id not in (select external_id from ins)
			returning c.id
		)
		select (select count(*) from ins) as created, (select count(*) from upd) as updated`.execute(db);
	const row = result.rows[0];
	return { created: Number(row.created), updated: Number(row.updated) };
}

/**
 * Creates or updates orders by (customer, reference). Returns the external ids it could not find
 * (those rows are not stored). The batch must not repeat a (customer, reference) pair.
 */
export async function upsertOrders(
	db: DbOrTrx,
	rows: OrderRow[]
): Promise<UpsertResult & { unknownCustomers: Set<string> }> {
	if (rows.length === 0) return { created: 0, updated: 0, unknownCustomers: new Set() };
	const ids = [...new Set(rows.map((r) => r.customer_external_id))];
	const found = await sql<{ external_id: string }>`
		select external_id from customers
		where external_id in (select value from json_array_elements_text(${JSON.stringify(ids)}::text::json))
			and erased_at is null`.execute(db);
	const known = new Set(found.rows.map((r) => r.external_id));
	const unknownCustomers = new Set(ids.filter((id) => !known.has(id)));
	const payload = JSON.stringify(
		rows
			.filter((r) => known.has(r.customer_external_id))
			.map((r) => ({
				external_id: r.customer_external_id,
				reference: r.reference,
				status: r.status,
				amount: r.amount,
				currency: r.currency,
				at: r.at.toISOString()
			}))
	);
	const result = await sql<{ inserted: boolean }>`
		insert into orders as o (customer_id, reference, status, amount, currency, at)
		select c.id, x.reference, x.status, x.amount, x.currency, x.at
		from json_to_recordset(${payload}::text::json)
			as x(external_id text, reference text, status text, amount numeric, currency text, at timestamptz)
		join customers c on c.external_id = x.external_id
		on conflict (customer_id, reference) do update set
			status = excluded.status, amount = excluded.amount, currency = excluded.currency, at = excluded.at
		returning (xmax = 0) as inserted`.execute(db);
	const created = result.rows.filter((r) => r.inserted).length;
	return { created, updated: result.rows.length - created, unknownCustomers };
}

/** Refreshes the planner's statistics for a table an import is filling (so lookups use indexes). */
export async function analyze(db: DbOrTrx, table: 'customers' | 'orders'): Promise<void> {
	await sql.raw(`analyze ${table === 'orders' ? 'orders' : 'customers'}`).execute(db);
}
