import type { DbOrTrx } from '../db';
import { findInvitationByToken } from './tokens';

export interface UnsubscribeTarget {
	customerId: number;
	/** the address, partly hidden: enough to recognise, not to harvest */
	maskedEmail: string;
	unsubscribed: boolean;
}

export function maskEmail(email: string | null): string {
	if (!email) return 'your address';
	const [local, domain] = email.split('@');
	if (!domain) return '***';
	return `${local.slice(0, 1)}***@${domain}`;
}

/** Who an e-mail's unsubscribe token belongs to, or undefined for an unknown token. */
export async function findUnsubscribeTarget(
	db: DbOrTrx,
	token: string
): Promise<UnsubscribeTarget | undefined> {
	const inv = await findInvitationByToken(db, token);
	if (!inv || inv.customerErased) return undefined;
	const c = await db
		.selectFrom('customers')
		.select(['id', 'email', 'unsubscribed_at'])
		.where('id', '=', inv.customerId)
		.executeTakeFirst();
	if (!c) return undefined;
	return { customerId: c.id, maskedEmail: maskEmail(c.email), unsubscribed: !!c.unsubscribed_at };
}

/** Unsubscribes the customer of a token (idempotent); false for an unknown token. */
export async function unsubscribe(db: DbOrTrx, token: string, now: Date): Promise<boolean> {
	const target = await findUnsubscribeTarget(db, token);
	if (!target) return false;
	await db
		.updateTable('customers')
		.set({ unsubscribed_at: now, updated_at: now })
		.where('id', '=', target.customerId)
		.where('unsubscribed_at', 'is', null)
		.execute();
	await db
		.insertInto('audit_log')
		.values({
			action: 'customer.unsubscribe',
			entity: 'customer',
			entity_id: String(target.customerId),
			user_id: null
		})
		.execute();
	return true;
}
