import { sql, type RawBuilder } from 'kysely';
import type { DbOrTrx } from '../db';
import * as segments from '../segments';
import type { Filters } from '$lib/schemas/results';

export class UnknownSegmentError extends Error {
	constructor() {
		super('That segment no longer exists: the filter was ignored.');
	}
}

/** Whether filters narrow the respondents (then views read answers, not rollups). */
export function narrows(f: Filters): boolean {
	return f.segment !== undefined || f.attr !== undefined || f.orders !== undefined;
}

/**
 * A SQL predicate on a customer id column for the segment, attribute and order-status filters,
 * or null when nothing narrows. Segment membership is the segment's current members (rules and
 * persistent sample, without the contact cap).
 */
export async function customerPredicate(
	db: DbOrTrx,
	f: Filters,
	column: string,
	now = new Date()
): Promise<RawBuilder<boolean> | null> {
	const col = sql.ref(column);
	const parts: RawBuilder<boolean>[] = [];
	if (f.segment !== undefined) {
		const seg = await segments.get(db, f.segment);
		if (!seg) throw new UnknownSegmentError();
		const members = segments.memberQuery(db, seg, { now, applyContactCap: false });
		parts.push(sql<boolean>`${col} in (${members})`);
	}
	if (f.attr !== undefined) {
		const at = f.attr.indexOf(':');
		const key = f.attr.slice(0, at);
		const value = f.attr.slice(at + 1);
		parts.push(
			sql<boolean>`exists (select 1 from customers fc where fc.id = ${col} and fc.attributes ->> ${key} = ${value})`
		);
	}
	if (f.orders === 'completed')
		parts.push(
			sql<boolean>`exists (select 1 from orders fo where fo.customer_id = ${col} and fo.status = 'completed')`
		);
	if (f.orders === 'abandoned')
		parts.push(
			sql<boolean>`(exists (select 1 from orders fo where fo.customer_id = ${col} and fo.status = 'abandoned') and not exists (select 1 from orders fo where fo.customer_id = ${col} and fo.status = 'completed'))`
		);
	if (parts.length === 0) return null;
	return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}
