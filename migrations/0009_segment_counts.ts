import { sql, type Kysely } from 'kysely';

// Fast live segment counts at 1M customers (issue 5): each customer carries the time of their
// latest completed, abandoned and cancelled order, kept current by statement-level triggers on
// `orders`, so "completed an order in the last N days" is a column test in the customers scan
// instead of a semi-join over all orders. Other order rules (counts ≥ 2, amounts) still join.
const up_statements = [
	`alter table customers
		add column last_completed_order_at timestamptz,
		add column last_abandoned_order_at timestamptz,
		add column last_cancelled_order_at timestamptz`,
	`create function customers_order_times_recompute(ids integer[]) returns void language plpgsql as $$
	begin
		perform 1 from customers c where c.id = any(ids) order by c.id for no key update;
		update customers c set
			last_completed_order_at = m.completed,
			last_abandoned_order_at = m.abandoned,
			last_cancelled_order_at = m.cancelled
		from (
			select a.id,
				(select max(o.at) from orders o where o.customer_id = a.id and o.status = 'completed') as completed,
				(select max(o.at) from orders o where o.customer_id = a.id and o.status = 'abandoned') as abandoned,
				(select max(o.at) from orders o where o.customer_id = a.id and o.status = 'cancelled') as cancelled
			from unnest(ids) as a(id)
		) m
		where c.id = m.id and (
			c.last_completed_order_at is distinct from m.completed
			or c.last_abandoned_order_at is distinct from m.abandoned
			or c.last_cancelled_order_at is distinct from m.cancelled);
	end
	$$`,
	`create function customers_order_times() returns trigger language plpgsql as $$
	begin
		if tg_op = 'TRUNCATE' then
			update customers set last_completed_order_at = null, last_abandoned_order_at = null,
				last_cancelled_order_at = null
			where last_completed_order_at is not null or last_abandoned_order_at is not null
				or last_cancelled_order_at is not null;
			return null;
		end if;
		-- lock the customers in id order first, so concurrent order writers cannot deadlock
		if tg_op = 'INSERT' then
			perform 1 from customers c where c.id in (select customer_id from new_orders)
				order by c.id for no key update;
			-- new orders can only raise the latest times
			update customers c set
				last_completed_order_at = greatest(c.last_completed_order_at, n.completed),
				last_abandoned_order_at = greatest(c.last_abandoned_order_at, n.abandoned),
				last_cancelled_order_at = greatest(c.last_cancelled_order_at, n.cancelled)
			from (
				select customer_id,
					max(at) filter (where status = 'completed') as completed,
					max(at) filter (where status = 'abandoned') as abandoned,
					max(at) filter (where status = 'cancelled') as cancelled
				from new_orders group by customer_id
			) n
			where c.id = n.customer_id and (
				c.last_completed_order_at is distinct from greatest(c.last_completed_order_at, n.completed)
				or c.last_abandoned_order_at is distinct from greatest(c.last_abandoned_order_at, n.abandoned)
				or c.last_cancelled_order_at is distinct from greatest(c.last_cancelled_order_at, n.cancelled));
			return null;
		end if;
		-- updated or deleted orders: recompute the affected customers from their orders
		if tg_op = 'UPDATE' then
			perform customers_order_times_recompute(array(
				select customer_id from old_orders union select customer_id from new_orders));
		else
			perform customers_order_times_recompute(array(select distinct customer_id from old_orders));
		end if;
		return null;
	end
	$$`,
	`create trigger orders_times_insert after insert on orders
		referencing new table as new_orders
		for each statement execute function customers_order_times()`,
	`create trigger orders_times_update after update on orders
		referencing old table as old_orders new table as new_orders
		for each statement execute function customers_order_times()`,
	`create trigger orders_times_delete after delete on orders
		referencing old table as old_orders
		for each statement execute function customers_order_times()`,
	`create trigger orders_times_truncate after truncate on orders
		for each statement execute function customers_order_times()`,
	// existing orders
	`update customers c set
		last_completed_order_at = n.completed,
		last_abandoned_order_at = n.abandoned,
		last_cancelled_order_at = n.cancelled
	from (
		select customer_id,
			max(at) filter (where status = 'completed') as completed,
			max(at) filter (where status = 'abandoned') as abandoned,
			max(at) filter (where status = 'cancelled') as cancelled
		from orders group by customer_id
	) n
	where c.id = n.customer_id`
];

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const s of [
		'drop trigger if exists orders_times_truncate on orders',
		'drop trigger if exists orders_times_delete on orders',
		'drop trigger if exists orders_times_update on orders',
		'drop trigger if exists orders_times_insert on orders',
		'drop function if exists customers_order_times()',
		'drop function if exists customers_order_times_recompute(integer[])',
		`alter table customers drop column if exists last_completed_order_at,
			drop column if exists last_abandoned_order_at, drop column if exists last_cancelled_order_at`
	])
		await sql.raw(s).execute(db);
}
