import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../db';
import {
	listValues,
	type AttributeCondition,
	type OrdersCondition,
	type RuleNode
} from '../../schemas/segments';

// Rules → a boolean SQL expression over `customers`, built with Kysely's expression builder.
// Every user-supplied value (attribute names included) is a bound parameter, never concatenated.

type Eb = ExpressionBuilder<Database, 'customers'>;
const DAY = 86_400_000;

const TRUE = sql<SqlBool>`true`;

/** The rule tree as a WHERE expression on `customers`; an empty group matches everyone. */
export function compileRules(eb: Eb, node: RuleNode, now: Date): Expression<SqlBool> {
	switch (node.type) {
		case 'group': {
			if (node.children.length === 0) return TRUE;
			const parts = node.children.map((c) => compileRules(eb, c, now));
			return node.op === 'and' ? eb.and(parts) : eb.or(parts);
		}
		case 'attribute':
			return attribute(eb, node);
		case 'orders':
			return orders(eb, node, now);
		case 'not_invited':
			return eb.not(
				eb.exists(
					eb
						.selectFrom('invitations')
						.select(sql.lit(1).as('one'))
						.whereRef('invitations.customer_id', '=', 'customers.id')
						.where('invitations.created_at', '>=', new Date(now.getTime() - node.days * DAY))
				)
			);
		case 'responded':
			return eb.exists(
				eb
					.selectFrom('responses')
					.select(sql.lit(1).as('one'))
					.whereRef('responses.customer_id', '=', 'customers.id')
					.where('responses.survey_id', '=', node.surveyId)
					.where('responses.status', '=', 'complete')
					.$if(node.days !== null, (q) =>
						q.where('responses.completed_at', '>=', new Date(now.getTime() - node.days! * DAY))
					)
			);
	}
}

/** The attribute's text value: attributes->>key, the key bound as a parameter. */
function attrText(key: string) {
	return sql<string | null>`${sql.ref('customers.attributes')}->>${sql.val(key)}::text`;
}

/** `attributes @> {key: v}` for the JSON forms a text value can take (string, number, boolean). */
function attrEquals(eb: Eb, key: string, value: string): Expression<SqlBool> {
	const forms: unknown[] = [value];
	if (value.trim() !== '' && Number.isFinite(Number(value))) forms.push(Number(value));
	if (value === 'true' || value === 'false') forms.push(value === 'true');
	// @> uses the GIN index on attributes (jsonb_path_ops); the document travels as text because
	// postgres.js would send a string typed jsonb as a JSON string, not as the object
	const parts = forms.map(
		(v) =>
			sql<SqlBool>`${sql.ref('customers.attributes')} @> (${JSON.stringify({ [key]: v })}::text)::jsonb`
	);
	return parts.length === 1 ? parts[0] : eb.or(parts);
}

function escapeLike(value: string): string {
	return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function attrNumber(key: string) {
	const text = attrText(key);
	const numeric = '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$';
	return sql<number | null>`(case when ${text} ~ ${numeric} then (${text})::numeric end)`;
}

function attribute(eb: Eb, c: AttributeCondition): Expression<SqlBool> {
	const key = c.key;
	switch (c.op) {
		case 'equals':
			return attrEquals(eb, key, c.value);
		case 'not_equals':
			return eb.not(attrEquals(eb, key, c.value));
		case 'in': {
			const values = listValues(c.value);
			if (values.length === 0) return sql<SqlBool>`false`;
			return eb.or(values.map((v) => attrEquals(eb, key, v)));
		}
		case 'contains':
			return sql<SqlBool>`${attrText(key)} ilike ${'%' + escapeLike(c.value) + '%'}`;
		case 'gt':
			return sql<SqlBool>`${attrNumber(key)} > ${Number(c.value)}`;
		case 'lt':
			return sql<SqlBool>`${attrNumber(key)} < ${Number(c.value)}`;
		case 'exists':
			return sql<SqlBool>`${sql.ref('customers.attributes')}->${sql.val(key)}::text is not null`;
		case 'not_exists':
			return sql<SqlBool>`${sql.ref('customers.attributes')}->${sql.val(key)}::text is null`;
	}
}

/**
 * Order conditions as `id in (select customer_id … group by … having …)` so PostgreSQL can hash
 * the subquery once instead of running a correlated count per customer (fast at 1M customers).
 */
function orders(eb: Eb, c: OrdersCondition, now: Date): Expression<SqlBool> {
	const agg =
		c.metric === 'count' ? sql<number>`count(*)` : sql<number>`coalesce(sum(orders.amount), 0)`;
	const base = eb
		.selectFrom('orders')
		.select('orders.customer_id')
		.$if(c.status !== 'any', (q) =>
			q.where('orders.status', '=', c.status as 'completed' | 'abandoned' | 'cancelled')
		)
		.$if(c.days !== null, (q) =>
			q.where('orders.at', '>=', new Date(now.getTime() - c.days! * DAY))
		)
		.groupBy('orders.customer_id');
	if (c.op === 'at_least') {
		if (c.value <= 0) return TRUE;
		// "at least one" is the common case: a column test, no join (see hasRecentOrder)
		if (c.metric === 'count' && c.value <= 1) return hasRecentOrder(eb, c, now);
		return eb('customers.id', 'in', base.having(agg, '>=', c.value));
	}
	// "no order": customers without a recent one (a NULL time counts as none)
	if (c.metric === 'count' && c.value < 1)
		return eb.not(sql<SqlBool>`coalesce(${hasRecentOrder(eb, c, now)}, false)`);
	// at most v: everyone except those above v (customers without orders have 0)
	return eb.not(eb('customers.id', 'in', base.having(agg, '>', c.value)));
}

/**
 * Whether the rules aggregate orders in a window (a count of 2 or more, an amount): those group a
 * large part of `orders`; "an order / no order of status X in N days" reads a column instead.
 */
export function aggregatesOrders(node: RuleNode): boolean {
	if (node.type === 'group') return node.children.some(aggregatesOrders);
	if (node.type !== 'orders') return false;
	if (node.metric !== 'count') return true;
	return node.op === 'at_least' ? node.value > 1 : node.value >= 1;
}

const LAST_ORDER_AT = {
	completed: 'customers.last_completed_order_at',
	abandoned: 'customers.last_abandoned_order_at',
	cancelled: 'customers.last_cancelled_order_at'
} as const;

/**
 * "Has an order of this status (within N days)" from the latest order times that triggers on
 * `orders` keep on each customer (migration 0009): a column test inside the customers scan, which
 * keeps the live count within a second at 1M customers where a semi-join over orders did not.
 */
function hasRecentOrder(eb: Eb, c: OrdersCondition, now: Date): Expression<SqlBool> {
	const columns = c.status === 'any' ? Object.values(LAST_ORDER_AT) : [LAST_ORDER_AT[c.status]];
	const parts = columns.map((col) =>
		c.days === null
			? eb(col, 'is not', null)
			: eb(col, '>=', new Date(now.getTime() - c.days * DAY))
	);
	return parts.length === 1 ? parts[0] : eb.or(parts);
}
