import type { DbOrTrx } from '../db';
import { json } from '../db/json';

/** The topics every installation starts with (design §3). */
export const defaultTopics = [
	{
		key: 'marketing-message',
		name: 'Marketing message',
		colour: '#7c3aed',
		description: 'Does our marketing message resonate?'
	},
	{
		key: 'brand-attachment',
		name: 'Brand attachment',
		colour: '#db2777',
		description: 'How attached customers feel to the brand, and why.'
	},
	{
		key: 'value-for-money',
		name: 'Value for money',
		colour: '#b45309',
		description: 'Price against what customers get.'
	},
	{
		key: 'website-navigation',
		name: 'Website navigation',
		colour: '#0891b2',
		description: 'Finding things on the website.'
	},
	{
		key: 'payment-options',
		name: 'Payment options',
		colour: '#15803d',
		description: 'Whether customers can pay the way they want.'
	},
	{
		key: 'shipping-delivery',
		name: 'Shipping & delivery',
		colour: '#2563eb',
		description: 'Delivery options, conditions and arrival times.'
	},
	{
		key: 'service',
		name: 'Service',
		colour: '#dc2626',
		description: 'How we handle questions, problems and returns.'
	}
] as const;

/** Inserts the default topics once per installation; renamed or archived ones are left alone. */
export async function ensureDefaultTopics(db: DbOrTrx): Promise<void> {
	const done = await db
		.selectFrom('settings')
		.select('key')
		.where('key', '=', 'defaults.topics')
		.executeTakeFirst();
	if (done) return;
	await db
		.insertInto('topics')
		.values(defaultTopics.map((t, position) => ({ ...t, position })))
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();
	await db
		.insertInto('settings')
		.values({ key: 'defaults.topics', value: json(true) })
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();
}
