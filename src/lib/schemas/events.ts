import { z } from 'zod';
import { externalIdSchema } from './customers';

// The events API (POST /api/v1/events): strict shapes, so an unknown or misspelt field is an
// error with its path rather than something silently dropped.

export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
export const eventTypeSchema = z
	.string({ message: 'The event type is required, such as "order.completed".' })
	.trim()
	.regex(EVENT_TYPE_PATTERN, 'An event type uses letters, digits and . _ : - (up to 100).');

/** How far in the future an occurred_at may lie (clock skew between systems). */
export const MAX_FUTURE_MS = 5 * 60_000;
/** The largest request body the events API reads. */
export const MAX_BODY_BYTES = 1_000_000;
/** The most events in one batch. */
export const MAX_BATCH = 500;

const attributeValue = z.union(
	[
		z.string().max(1000, 'An attribute value has at most 1000 characters.'),
		z.number(),
		z.boolean(),
		z.null()
	],
	{ message: 'An attribute value is a string, number, boolean or null.' }
);

function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

const customerSchema = z.strictObject(
	{
		external_id: externalIdSchema,
		email: z
			.email('Not a valid e-mail address.')
			.max(254, 'E-mail too long.')
			.toLowerCase()
			.optional(),
		name: z.string().trim().max(200, 'A name has at most 200 characters.').optional(),
		locale: z
			.string()
			.regex(/^[a-zA-Z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'Not a locale such as en or de-CH.')
			.optional(),
		time_zone: z
			.string()
			.max(64)
			.refine(isTimeZone, 'Not an IANA time zone such as Europe/Berlin.')
			.optional()
	},
	{ message: 'The customer is required: {"external_id": "…"}.' }
);

/** One event; `now` bounds occurred_at (at most 5 minutes ahead). */
export function eventSchema(now: Date) {
	return z
		.strictObject(
			{
				id: z
					.string({
						message: 'An event id is required: a unique id you choose, so a retry counts once.'
					})
					.trim()
					.min(1, 'An event id is required.')
					.max(200, 'An event id has at most 200 characters.'),
				type: eventTypeSchema,
				occurred_at: z.iso
					.datetime({
						offset: true,
						message: 'Use an ISO 8601 time with a zone, such as 2026-11-23T10:00:00Z.'
					})
					.transform((v) => new Date(v))
					.refine(
						(d) => d.getTime() <= now.getTime() + MAX_FUTURE_MS,
						'This time lies in the future: send events after they happened.'
					)
					.refine(
						(d) => d.getUTCFullYear() >= 2000,
						'This time is too far in the past (before 2000).'
					),
				customer: customerSchema,
				reference: z
					.string({ message: 'The reference is text, such as an order or ticket number.' })
					.trim()
					.min(1, 'The reference cannot be empty.')
					.max(200, 'A reference has at most 200 characters.')
					.optional(),
				attributes: z
					.record(
						z
							.string()
							.regex(
								/^[A-Za-z][A-Za-z0-9_]{0,39}$/,
								'An attribute name starts with a letter and uses letters, digits and _ (up to 40).'
							),
						attributeValue
					)
					.refine((a) => Object.keys(a).length <= 50, 'At most 50 attributes.')
					.optional()
			},
			{ message: 'An event is a JSON object.' }
		)
		.superRefine((e, ctx) => {
			if (e.type.startsWith('order.') && !e.reference)
				ctx.addIssue({
					code: 'custom',
					path: ['reference'],
					message: 'Order events need the order reference.'
				});
			const amount = e.attributes?.amount;
			if (amount !== undefined && (typeof amount !== 'number' || amount < 0))
				ctx.addIssue({
					code: 'custom',
					path: ['attributes', 'amount'],
					message: 'The amount is a non-negative number such as 49.9.'
				});
			const currency = e.attributes?.currency;
			if (
				currency !== undefined &&
				(typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency))
			)
				ctx.addIssue({
					code: 'custom',
					path: ['attributes', 'currency'],
					message: 'A currency is a three-letter code such as EUR.'
				});
		});
}

export type EventInput = z.infer<ReturnType<typeof eventSchema>>;

/** A batch: {"events": [ … ]}. */
export function batchSchema(now: Date) {
	return z.strictObject({
		events: z
			.array(eventSchema(now), { message: 'events is a list of events.' })
			.min(1, 'Send at least one event.')
			.max(MAX_BATCH, `Send at most ${MAX_BATCH} events per request.`)
	});
}

/** zod issues as one message per field path (unknown fields each get their own path). */
export function eventErrors(error: z.ZodError): Record<string, string> {
	const out: Record<string, string> = {};
	for (const issue of error.issues) {
		const base = issue.path.map(String);
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) out[[...base, key].join('.')] ??= 'Unknown field.';
			continue;
		}
		const key = base.length ? base.join('.') : '_';
		out[key] ??= issue.message;
	}
	return out;
}
