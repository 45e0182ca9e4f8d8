import * as surveys from '../surveys';
import type { DemoContext } from './context';

/**
 * Demo surveys: the three built-in templates are always offered on "New survey"; here each one is
 * also published once, so schedules, responses and results have something to point at.
 */
export async function seed(ctx: DemoContext): Promise<void> {
	const made: [string, string, string][] = [
		['quarterly', 'builtin:quarterly', 'Quarterly customer survey'],
		['transactional', 'builtin:transactional', 'Service request: one question'],
		['followUp', 'builtin:order-follow-up', 'Order follow-up']
	];
	for (const [name, template, title] of made) {
		const id = await surveys.createFromTemplate(ctx.db, {
			userId: ctx.adminId,
			template,
			title,
			isDemo: true
		});
		await surveys.publish(ctx.db, id, ctx.adminId);
		ctx.surveyIds[name] = id;
	}
	ctx.log('Demo surveys: quarterly, transactional and order follow-up published.');
}
