import { z } from 'zod';
import { eventTypeSchema } from './events';

// Trigger, webhook and follow-up assignment forms (Triggers and Settings → Webhooks).

export const CONDITION_OPS = ['equals', 'not_equals', 'exists', 'gt', 'lt'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export const conditionOpLabels: Record<ConditionOp, string> = {
	equals: 'is',
	not_equals: 'is not',
	exists: 'is present',
	gt: 'is more than',
	lt: 'is less than'
};

export const conditionSchema = z.object({
	attribute: z
		.string()
		.trim()
		.regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'An attribute name starts with a letter (up to 40).'),
	op: z.enum(CONDITION_OPS, { message: 'Choose a comparison.' }),
	value: z.string().trim().max(200, 'At most 200 characters.')
});
export type TriggerCondition = z.infer<typeof conditionSchema>;

/** How many condition rows the form offers. */
export const CONDITION_ROWS = 3;

const UNIT_MINUTES = { minutes: 1, hours: 60, days: 1440 } as const;

const intField = (what: string, min: number, max: number) =>
	z.coerce
		.number({ message: `${what} must be a whole number.` })
		.int(`${what} must be a whole number.`)
		.min(min, `${what} must be at least ${min}.`)
		.max(max, `${what} must be at most ${max}.`);

/** The trigger form as posted (flat strings); conditions arrive as cond_attribute_0… */
export const triggerFormSchema = z
	.object({
		name: z.string().trim().min(1, 'A name is required.').max(200, 'At most 200 characters.'),
		event_type: eventTypeSchema,
		survey_id: z.coerce.number({ message: 'Choose a survey.' }).int().positive('Choose a survey.'),
		delay_kind: z.enum(['after', 'local_time'], { message: 'Choose when to send.' }),
		delay_value: intField('The wait', 0, 43200),
		delay_unit: z.enum(['minutes', 'hours', 'days'], { message: 'Choose a unit.' }),
		local_time: z
			.string()
			.trim()
			.regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'Use a time such as 09:00.'),
		time_zone: z
			.string()
			.trim()
			.refine((tz) => {
				try {
					new Intl.DateTimeFormat('en', { timeZone: tz });
					return tz.length > 0;
				} catch {
					return false;
				}
			}, 'Not an IANA time zone such as Europe/Berlin.'),
		once_per_days: intField('The repeat limit', 0, 3650),
		sample_percent: z.coerce
			.number({ message: 'The share must be a number between 0.001 and 100.' })
			.gt(0, 'The share must be more than 0.')
			.max(100, 'The share is at most 100.'),
		mail_subject: z
			.string()
			.trim()
			.min(1, 'A subject is required.')
			.max(200, 'At most 200 characters.'),
		mail_body: z
			.string()
			.trim()
			.min(1, 'The message is required.')
			.max(10_000, 'At most 10,000 characters.')
			.refine((b) => /\{\{\s*link\s*\}\}/.test(b), 'The message needs the {{link}} placeholder.'),
		sender_name: z.string().trim().min(1, 'A sender name is required.').max(100)
	})
	.transform(({ delay_value, delay_unit, ...rest }) => ({
		...rest,
		delay_minutes: delay_value * UNIT_MINUTES[delay_unit]
	}))
	.refine((t) => t.delay_minutes <= 43200, {
		message: 'Wait at most 30 days.',
		path: ['delay_value']
	});
export type TriggerInput = z.infer<typeof triggerFormSchema> & { conditions: TriggerCondition[] };

/** Reads the condition rows of the trigger form: empty rows are skipped, bad ones reported. */
export function parseConditions(values: Record<string, string>): {
	conditions: TriggerCondition[];
	errors: Record<string, string>;
} {
	const conditions: TriggerCondition[] = [];
	const errors: Record<string, string> = {};
	for (let i = 0; i < CONDITION_ROWS; i++) {
		const attribute = (values[`cond_attribute_${i}`] ?? '').trim();
		if (!attribute) continue;
		const r = conditionSchema.safeParse({
			attribute,
			op: values[`cond_op_${i}`],
			value: values[`cond_value_${i}`] ?? ''
		});
		if (!r.success) {
			for (const issue of r.error.issues)
				errors[`cond_${String(issue.path[0])}_${i}`] ??= issue.message;
			continue;
		}
		if ((r.data.op === 'gt' || r.data.op === 'lt') && !Number.isFinite(Number(r.data.value)))
			errors[`cond_value_${i}`] = 'Compare with a number.';
		else conditions.push(r.data);
	}
	return { conditions, errors };
}

export const WEBHOOK_EVENTS = ['response.completed', 'follow_up.opened'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhookFormSchema = z.object({
	url: z
		.string()
		.trim()
		.min(1, 'A URL is required.')
		.max(2000, 'At most 2000 characters.')
		.refine((u) => {
			try {
				const p = new URL(u);
				return (p.protocol === 'http:' || p.protocol === 'https:') && !!p.hostname;
			} catch {
				return false;
			}
		}, 'Use an http:// or https:// URL.'),
	description: z.string().trim().max(200, 'At most 200 characters.').default(''),
	events: z
		.array(z.enum(WEBHOOK_EVENTS, { message: 'Unknown event.' }))
		.min(1, 'Choose at least one event.')
});
export type WebhookInput = z.infer<typeof webhookFormSchema>;

export const assignmentSchema = z
	.object({
		mode: z.enum(['none', 'owner', 'round_robin'], { message: 'Choose how to assign.' }),
		owner_id: z.coerce.number().int().positive().optional(),
		user_ids: z.array(z.coerce.number().int().positive()).max(100).default([]),
		notify: z.boolean().default(false)
	})
	.superRefine((a, ctx) => {
		if (a.mode === 'owner' && !a.owner_id)
			ctx.addIssue({ code: 'custom', path: ['owner_id'], message: 'Choose the owner.' });
		if (a.mode === 'round_robin' && a.user_ids.length === 0)
			ctx.addIssue({ code: 'custom', path: ['user_ids'], message: 'Choose at least one user.' });
	});
export type AssignmentRule = z.infer<typeof assignmentSchema>;
