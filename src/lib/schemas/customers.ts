import { z } from 'zod';
import { attributeKeySchema } from './segments';

// Customer and order rows as they arrive from a CSV import or the JSON API, and the list filters.

const blankToUndefined = (v: unknown) =>
	typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v;

function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

export const externalIdSchema = z
	.string({ message: 'An external id is required.' })
	.trim()
	.min(1, 'An external id is required.')
	.max(200, 'An external id has at most 200 characters.')
	.refine((v) => !v.startsWith('erased-'), 'External ids starting with "erased-" are reserved.');

const attributeValue = z.union([
	z.string().max(1000, 'An attribute value has at most 1000 characters.'),
	z.number().finite(),
	z.boolean()
]);

/** One customer to create or update, keyed by external id. Empty values leave data as it is. */
export const customerRowSchema = z.object({
	external_id: externalIdSchema,
	email: z.preprocess(
		blankToUndefined,
		z.email('Not a valid e-mail address.').max(254, 'E-mail too long.').toLowerCase().optional()
	),
	name: z.preprocess(
		blankToUndefined,
		z.string().max(200, 'A name has at most 200 characters.').optional()
	),
	locale: z.preprocess(
		blankToUndefined,
		z
			.string()
			.regex(/^[a-zA-Z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'Not a locale such as en or de-CH.')
			.optional()
	),
	time_zone: z.preprocess(
		blankToUndefined,
		z.string().max(64).refine(isTimeZone, 'Not an IANA time zone such as Europe/Berlin.').optional()
	),
	attributes: z
		.record(attributeKeySchema, attributeValue)
		.refine((a) => Object.keys(a).length <= 50, 'At most 50 attributes.')
		.default({})
});
export type CustomerRowInput = z.input<typeof customerRowSchema>;
export type CustomerRow = z.infer<typeof customerRowSchema>;

export const orderStatusSchema = z.enum(['completed', 'abandoned', 'cancelled'], {
	message: 'Status must be completed, abandoned or cancelled.'
});

/** One order to create or update, keyed by (customer, reference). */
export const orderRowSchema = z.object({
	customer_external_id: externalIdSchema,
	reference: z
		.string({ message: 'An order reference is required.' })
		.trim()
		.min(1, 'An order reference is required.')
		.max(200, 'A reference has at most 200 characters.'),
	status: z.preprocess(
		(v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
		orderStatusSchema
	),
	amount: z.preprocess(
		(v) => (typeof v === 'string' ? (v.trim() === '' ? 0 : Number(v.trim())) : (v ?? 0)),
		z
			.number({ message: 'The amount must be a number such as 49.90.' })
			.finite('The amount must be a number such as 49.90.')
			.min(0, 'The amount cannot be negative.')
			.max(999_999_999_999, 'The amount is too large.')
	),
	currency: z.preprocess(
		(v) =>
			typeof v === 'string' ? (v.trim() === '' ? 'EUR' : v.trim().toUpperCase()) : (v ?? 'EUR'),
		z.string().regex(/^[A-Z]{3}$/, 'A currency is a three-letter code such as EUR.')
	),
	at: z.preprocess(
		(v) => (typeof v === 'string' && v.trim() !== '' ? new Date(v.trim()) : v),
		z
			.date({ message: 'The time must be a date such as 2026-03-01 or 2026-03-01T14:30:00Z.' })
			.refine((d) => !Number.isNaN(d.getTime()), 'The time must be a date such as 2026-03-01.')
	)
});
export type OrderRowInput = z.input<typeof orderRowSchema>;
export type OrderRow = z.infer<typeof orderRowSchema>;

/** Fields a CSV column can be mapped to, per import kind. */
export const customerFields = ['external_id', 'email', 'name', 'locale', 'time_zone'] as const;
export const orderFields = [
	'customer_external_id',
	'reference',
	'status',
	'amount',
	'currency',
	'at'
] as const;
export const requiredFields = {
	customers: ['external_id'],
	orders: ['customer_external_id', 'reference', 'status', 'at']
} as const;
export const fieldLabels: Record<string, string> = {
	external_id: 'External id',
	email: 'E-mail',
	name: 'Name',
	locale: 'Locale',
	time_zone: 'Time zone',
	customer_external_id: 'Customer external id',
	reference: 'Order reference',
	status: 'Status',
	amount: 'Amount',
	currency: 'Currency',
	at: 'Time'
};

export const importKindSchema = z.enum(['customers', 'orders'], {
	message: 'Choose customers or orders.'
});
export const delimiterSchema = z.enum([',', ';', '\t', '|'], {
	message: 'Choose a delimiter.'
});

/** The customer list's query string: search, one attribute filter, keyset cursor. */
export const customerListQuerySchema = z.object({
	q: z.string().trim().max(200).catch(''),
	attr: z.union([attributeKeySchema, z.literal('')]).catch(''),
	value: z.string().trim().max(200).catch(''),
	after: z.coerce.number().int().positive().optional().catch(undefined),
	before: z.coerce.number().int().positive().optional().catch(undefined)
});
export type CustomerListQuery = z.infer<typeof customerListQuerySchema>;

export const apiKeySchema = z.object({
	name: z.string().trim().min(1, 'Give the key a name.').max(100, 'At most 100 characters.')
});
