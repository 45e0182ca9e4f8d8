import { z } from 'zod';

// A segment's rules: a tree of AND/OR groups over conditions. Shared by the builder UI and the
// server, which compiles a validated tree to SQL with Kysely's expression builder.

/** Attribute names are passed to SQL as bound parameters, and also restricted to a safe pattern. */
export const attributeKeySchema = z
	.string()
	.trim()
	.regex(
		/^[A-Za-z][A-Za-z0-9_]{0,39}$/,
		'An attribute name starts with a letter and uses letters, digits and _ (up to 40).'
	);

export const attributeOps = [
	'equals',
	'not_equals',
	'in',
	'contains',
	'gt',
	'lt',
	'exists',
	'not_exists'
] as const;
export type AttributeOp = (typeof attributeOps)[number];

export const attributeOpLabels: Record<AttributeOp, string> = {
	equals: 'equals',
	not_equals: 'does not equal',
	in: 'is one of (comma-separated)',
	contains: 'contains',
	gt: 'is greater than',
	lt: 'is less than',
	exists: 'is set',
	not_exists: 'is not set'
};

const days = z.coerce
	.number({ message: 'Enter a number of days.' })
	.int('Enter whole days.')
	.min(1, 'At least 1 day.')
	.max(3650, 'At most 3650 days.');

export const attributeConditionSchema = z
	.object({
		type: z.literal('attribute'),
		key: attributeKeySchema,
		op: z.enum(attributeOps),
		value: z.string().trim().max(200, 'At most 200 characters.').default('')
	})
	.superRefine((c, ctx) => {
		if (['exists', 'not_exists'].includes(c.op)) return;
		if (c.value === '')
			ctx.addIssue({ code: 'custom', path: ['value'], message: 'Enter a value.' });
		if ((c.op === 'gt' || c.op === 'lt') && !Number.isFinite(Number(c.value)))
			ctx.addIssue({ code: 'custom', path: ['value'], message: 'Enter a number.' });
		if (c.op === 'in' && listValues(c.value).length > 100)
			ctx.addIssue({ code: 'custom', path: ['value'], message: 'At most 100 values.' });
	});

export const orderStatuses = ['completed', 'abandoned', 'cancelled', 'any'] as const;

export const ordersConditionSchema = z.object({
	type: z.literal('orders'),
	status: z.enum(orderStatuses),
	/** look back this many days; null = ever */
	days: days.nullable().default(null),
	metric: z.enum(['count', 'amount']).default('count'),
	op: z.enum(['at_least', 'at_most']).default('at_least'),
	value: z.coerce
		.number({ message: 'Enter a number.' })
		.min(0, 'Zero or more.')
		.max(1e12, 'Too large.')
		.default(1)
});

export const notInvitedConditionSchema = z.object({
	type: z.literal('not_invited'),
	days
});

export const respondedConditionSchema = z.object({
	type: z.literal('responded'),
	surveyId: z.coerce.number({ message: 'Choose a survey.' }).int().positive('Choose a survey.'),
	days: days.nullable().default(null)
});

export type AttributeCondition = z.infer<typeof attributeConditionSchema>;
export type OrdersCondition = z.infer<typeof ordersConditionSchema>;
export type NotInvitedCondition = z.infer<typeof notInvitedConditionSchema>;
export type RespondedCondition = z.infer<typeof respondedConditionSchema>;
export type Condition =
	AttributeCondition | OrdersCondition | NotInvitedCondition | RespondedCondition;
export interface RuleGroup {
	type: 'group';
	op: 'and' | 'or';
	children: RuleNode[];
}
export type RuleNode = Condition | RuleGroup;

export const MAX_DEPTH = 4;
export const MAX_CONDITIONS = 50;

export const ruleNodeSchema: z.ZodType<RuleNode> = z.lazy(() =>
	z.union([
		ruleGroupSchema,
		attributeConditionSchema,
		ordersConditionSchema,
		notInvitedConditionSchema,
		respondedConditionSchema
	])
);

export const ruleGroupSchema: z.ZodType<RuleGroup> = z.lazy(() =>
	z.object({
		type: z.literal('group'),
		op: z.enum(['and', 'or']),
		children: z.array(ruleNodeSchema).max(MAX_CONDITIONS, 'Too many conditions in one group.')
	})
);

/** The root of a segment's rules: a group, at most MAX_DEPTH deep and MAX_CONDITIONS in all. */
export const rulesSchema = ruleGroupSchema.superRefine((root, ctx) => {
	let count = 0;
	let depth = 0;
	const walk = (n: RuleNode, d: number) => {
		count++;
		depth = Math.max(depth, d);
		if (n.type === 'group') for (const c of n.children) walk(c, d + 1);
	};
	walk(root, 1);
	if (depth > MAX_DEPTH)
		ctx.addIssue({ code: 'custom', message: `Groups can nest at most ${MAX_DEPTH} deep.` });
	if (count > MAX_CONDITIONS + 10)
		ctx.addIssue({ code: 'custom', message: `At most ${MAX_CONDITIONS} conditions.` });
});

/** A segment that matches every reachable customer. */
export const emptyRules = (): RuleGroup => ({ type: 'group', op: 'and', children: [] });

/** The values of an "is one of" condition. */
export function listValues(value: string): string[] {
	return [
		...new Set(
			value
				.split(',')
				.map((v) => v.trim())
				.filter(Boolean)
		)
	];
}

export const segmentSchema = z.object({
	name: z.string().trim().min(1, 'Give the segment a name.').max(200, 'At most 200 characters.'),
	description: z.string().trim().max(2000, 'At most 2000 characters.').default(''),
	samplePercent: z.coerce
		.number({ message: 'Enter a percentage.' })
		.gt(0, 'More than 0%.')
		.max(100, 'At most 100%.')
		.multipleOf(0.001, 'At most three decimals.')
		.default(100),
	maxCustomers: z
		.union([z.literal('').transform(() => null), z.null(), z.coerce.number()])
		.pipe(z.number().int('Whole customers.').positive('At least 1.').max(100_000_000).nullable())
		.default(null),
	contactCapDays: z
		.union([z.literal('').transform(() => null), z.null(), z.coerce.number()])
		.pipe(z.number().int('Whole days.').min(0, 'Zero or more.').max(3650).nullable())
		.default(null),
	rules: rulesSchema
});
export type SegmentInput = z.infer<typeof segmentSchema>;

export const contactCapSchema = z.object({
	days: z.coerce
		.number({ message: 'Enter a number of days.' })
		.int('Whole days.')
		.min(0, 'Zero or more (0 = no cap).')
		.max(3650, 'At most 3650 days.')
});
