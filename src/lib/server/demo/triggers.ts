import * as events from '../events';
import * as triggers from '../triggers';
import type { DemoContext } from './context';

// Demo triggers for the seed templates, and a few received events so the Triggers page shows how
// events arrive. The demo events are history: they plan no invitations.

const SERVICE_BODY =
	'Hello {{first_name}},\n\nWe have just closed your support request. One question, one click:\n\n{{link}}\n\nThank you,\n{{sender_name}}';
const ORDER_BODY =
	'Hello {{first_name}},\n\nThank you for visiting our shop. Would you tell us how it went? It takes two minutes:\n\n{{link}}\n\n{{sender_name}}';

/** Seeds the ready-made triggers (ticket.closed, order.completed, order.abandoned at 10%). */
export async function seed(ctx: DemoContext): Promise<void> {
	const { transactional, followUp } = ctx.surveyIds;
	const common = {
		conditions: [],
		local_time: '09:00',
		time_zone: 'Europe/Berlin',
		once_per_days: 90,
		sender_name: 'Customer Service (demo)'
	};
	if (transactional) {
		await triggers.create(
			ctx.db,
			{
				...common,
				name: 'Support request closed',
				event_type: 'ticket.closed',
				survey_id: transactional,
				delay_kind: 'after',
				delay_minutes: 120,
				sample_percent: 100,
				mail_subject: 'Were you pleased with how we handled your request?',
				mail_body: SERVICE_BODY
			},
			{ createdBy: ctx.adminId, isDemo: true }
		);
	}
	if (followUp) {
		await triggers.create(
			ctx.db,
			{
				...common,
				name: 'Order completed',
				event_type: 'order.completed',
				survey_id: followUp,
				delay_kind: 'local_time',
				delay_minutes: 120,
				sample_percent: 100,
				mail_subject: 'How was your order?',
				mail_body: ORDER_BODY
			},
			{ createdBy: ctx.adminId, isDemo: true }
		);
		await triggers.create(
			ctx.db,
			{
				...common,
				name: 'Order abandoned (10% share)',
				event_type: 'order.abandoned',
				survey_id: followUp,
				delay_kind: 'local_time',
				delay_minutes: 120,
				sample_percent: 10,
				mail_subject: 'Anything we could have done better?',
				mail_body: ORDER_BODY
			},
			{ createdBy: ctx.adminId, isDemo: true }
		);
	}
	const customers = await ctx.db
		.selectFrom('customers')
		.select('external_id')
		.where('is_demo', '=', true)
		.orderBy('id')
		.limit(6)
		.execute();
	const types = ['ticket.closed', 'order.completed', 'order.abandoned'];
	await events.ingest(
		ctx.db,
		customers.map((c, i) => ({
			id: `demo-${i + 1}`,
			type: types[i % 3],
			occurred_at: new Date(ctx.now.getTime() - (i + 1) * 26 * 3600_000),
			customer: { external_id: c.external_id },
			reference: types[i % 3].startsWith('order') ? `DEMO-${1000 + i}` : `TICKET-${2000 + i}`,
			attributes: (types[i % 3].startsWith('order')
				? { amount: 40 + i * 15, currency: 'EUR' }
				: {}) as Record<string, string | number>
		})),
		{ now: ctx.now, isDemo: true, plan: false }
	);
	ctx.log('Demo triggers: ticket.closed, order.completed and order.abandoned (10%).');
}
