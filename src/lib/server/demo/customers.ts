import type { DemoContext } from './context';
import type { CustomerRow } from '../../schemas/customers';
import type { RuleGroup } from '../../schemas/segments';
import { upsertCustomers } from '../customers/upsert';
import * as segments from '../segments';

// Demo customers with orders over the last 180 days, and the two segments the demo schedules use.
// A seeded generator keeps the demo the same on every install.

export const DEMO_CUSTOMERS = 600;

function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		// mulberry32
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const FIRST = [
	'Anna',
	'Ben',
	'Chloé',
	'David',
	'Elif',
	'Felix',
	'Greta',
	'Hugo',
	'Ines',
	'Jonas',
	'Katrin',
	'Lukas',
	'Maria',
	'Noah',
	'Olga',
	'Paul',
	'Quentin',
	'Rosa',
	'Sven',
	'Tara',
	'Umut',
	'Vera',
	'Wim',
	'Xenia',
	'Yusuf',
	'Zoë'
];
const LAST = [
	'Adler',
	'Bauer',
	'Costa',
	'Dubois',
	'Eriksen',
	'Fischer',
	'García',
	'Hansen',
	'Ivanova',
	'Jansen',
	'Keller',
	'Lambert',
	'Meyer',
	'Novak',
	'Olsen',
	'Peters',
	'Rossi',
	'Schmidt',
	'Tanaka',
	'Vogel',
	'Weber',
	'Yilmaz',
	'Zimmermann'
];
const COUNTRIES: [string, string, string][] = [
	['DE', 'de', 'Europe/Berlin'],
	['DE', 'de', 'Europe/Berlin'],
	['DE', 'de', 'Europe/Berlin'],
	['AT', 'de', 'Europe/Vienna'],
	['CH', 'de', 'Europe/Zurich'],
	['FR', 'fr', 'Europe/Paris'],
	['NL', 'nl', 'Europe/Amsterdam'],
	['GB', 'en', 'Europe/London'],
	['US', 'en', 'America/New_York']
];
const PLANS = ['free', 'free', 'basic', 'basic', 'plus', 'premium'];
const CHANNELS = ['web', 'web', 'app', 'app', 'marketplace', 'store'];

const pick = <T>(r: () => number, list: T[]): T => list[Math.floor(r() * list.length)];

export const completedRules: RuleGroup = {
	type: 'group',
	op: 'and',
	children: [
		{ type: 'orders', status: 'completed', days: 90, metric: 'count', op: 'at_least', value: 1 }
	]
};
export const abandonedRules: RuleGroup = {
	type: 'group',
	op: 'and',
	children: [
		{ type: 'orders', status: 'abandoned', days: 90, metric: 'count', op: 'at_least', value: 1 }
	]
};

/** Seeds demo customers and orders, then the two demo segments (ids in ctx.segmentIds). */
export async function seed(ctx: DemoContext): Promise<void> {
	const { db, now } = ctx;
	const r = rng(20260501);
	const rows: CustomerRow[] = [];
	for (let i = 1; i <= DEMO_CUSTOMERS; i++) {
		const first = pick(r, FIRST);
		const last = pick(r, LAST);
		const [country, locale, tz] = pick(r, COUNTRIES);
		const local = `${first}.${last}.${i}`
			.normalize('NFD')
			.replace(/[^\w.]/g, '')
			.toLowerCase();
		rows.push({
			external_id: `demo-${String(i).padStart(4, '0')}`,
			email: `${local}@example.com`,
			name: `${first} ${last}`,
			locale,
			time_zone: tz,
			attributes: {
				country,
				plan: pick(r, PLANS),
				channel: pick(r, CHANNELS),
				newsletter: r() < 0.4 ? 'yes' : 'no'
			}
		});
	}
	await db.transaction().execute(async (trx) => {
		await upsertCustomers(trx, rows, { isDemo: true });
		const ids = await trx
			.selectFrom('customers')
			.select(['id', 'external_id'])
			.where('is_demo', '=', true)
			.where('external_id', 'like', 'demo-%')
			.orderBy('id')
			.execute();
		// a few customers unsubscribed, so the segments show that they are skipped
		const unsubscribed = ids.filter((_, i) => i % 37 === 5).map((c) => c.id);
		if (unsubscribed.length)
			await trx
				.updateTable('customers')
				.set({ unsubscribed_at: new Date(now.getTime() - 20 * 86_400_000) })
				.where('id', 'in', unsubscribed)
				.execute();
		const orders: {
			customer_id: number;
			reference: string;
			status: 'completed' | 'abandoned' | 'cancelled';
			amount: number;
			currency: string;
			at: Date;
		}[] = [];
		let ref = 10_000;
		for (const c of ids) {
			const n = Math.floor(r() * r() * 7); // most customers have few orders, some many
			for (let k = 0; k < n; k++) {
				const roll = r();
				const status = roll < 0.68 ? 'completed' : roll < 0.94 ? 'abandoned' : 'cancelled';
				const daysAgo = Math.floor(r() * 180);
				const at = new Date(now.getTime() - daysAgo * 86_400_000 - Math.floor(r() * 86_400_000));
				orders.push({
					customer_id: c.id,
					reference: `D-${ref++}`,
					status,
					amount: Math.round((15 + r() * r() * 400) * 100) / 100,
					currency: 'EUR',
					at
				});
			}
		}
		for (let i = 0; i < orders.length; i += 500)
			await trx
				.insertInto('orders')
				.values(orders.slice(i, i + 500))
				.execute();
	});

	// a generous share so the demo waves have enough respondents; editors can lower it
	ctx.segmentIds.completed = await segments.create(
		db,
		{
			name: 'Completed an order in the last 90 days',
			description:
				'A persistent 50% panel of customers with a completed order in the last 90 days.',
			samplePercent: 50,
			maxCustomers: null,
			contactCapDays: null,
			rules: completedRules
		},
		{ isDemo: true }
	);
	ctx.segmentIds.abandoned = await segments.create(
		db,
		{
			name: 'Abandoned a cart in the last 90 days',
			description: 'A persistent 50% panel of customers who abandoned a cart in the last 90 days.',
			samplePercent: 50,
			maxCustomers: null,
			contactCapDays: null,
			rules: abandonedRules
		},
		{ isDemo: true }
	);
	ctx.log(`Demo: ${rows.length} customers with orders, 2 segments.`);
}
