import { z } from 'zod';

// Results filters live in the URL so a view can be shared (design §4).

const id = z.coerce.number().int().positive().max(2_147_483_647);

export const filtersSchema = z.object({
	/** first and last wave id shown (inclusive, by wave date) */
	from: id.optional(),
	to: id.optional(),
	segment: id.optional(),
	/** a customer attribute as key:value, e.g. country:DE */
	attr: z
		.string()
		.max(300)
		.regex(/^[A-Za-z0-9_.-]{1,64}:.{1,200}$/, 'Use attribute:value, e.g. country:DE.')
		.optional(),
	orders: z.enum(['completed', 'abandoned']).optional(),
	/** a second segment shown side by side */
	compare: id.optional()
});
export type Filters = z.infer<typeof filtersSchema>;

/** Reads filters from a URL; a bad value is dropped and reported instead of failing the page. */
export function parseFilters(params: URLSearchParams): { filters: Filters; problems: string[] } {
	const filters: Record<string, unknown> = {};
	const problems: string[] = [];
	for (const key of Object.keys(filtersSchema.shape) as (keyof Filters)[]) {
		const raw = params.get(key);
		if (raw === null || raw === '') continue;
		const parsed = filtersSchema.shape[key].safeParse(raw);
		if (parsed.success) filters[key] = parsed.data;
		else
			problems.push(`Ignored the ${key} filter: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
	}
	return { filters: filters as Filters, problems };
}

/** The query string of filters (for links that keep the current view). */
export function filtersQuery(f: Filters, extra: Record<string, string | number | undefined> = {}) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries({ ...f, ...extra }))
		if (v !== undefined && v !== '') p.set(k, String(v));
	const s = p.toString();
	return s ? `?${s}` : '';
}

export const tagNameSchema = z
	.string()
	.trim()
	.min(1, 'Give the tag a name.')
	.max(60, 'A tag name has at most 60 characters.');

export const followUpUpdateSchema = z.object({
	id,
	status: z.enum(['open', 'contacted', 'resolved'], 'Choose a status.'),
	assignee: z
		.union([z.literal(''), id])
		.optional()
		.transform((v) => (v === '' || v === undefined ? null : v)),
	note: z.string().max(5000, 'A note has at most 5,000 characters.').default('')
});

export const tagActionSchema = z.object({
	answers: z
		.array(id)
		.min(1, 'Select at least one comment to tag.')
		.max(500, 'Tag at most 500 comments at once.'),
	tag: tagNameSchema
});

export const untagSchema = z
	.string()
	.regex(/^\d{1,18}:\d{1,10}$/, 'Choose a tag to remove.')
	.transform((s) => {
		const [answer, tag] = s.split(':').map(Number);
		return { answer, tag };
	});

export const commentQuerySchema = z.object({
	question: z.uuid().optional().catch(undefined),
	wave: id.optional().catch(undefined),
	tag: id.optional().catch(undefined),
	q: z.string().trim().max(200).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1)
});
