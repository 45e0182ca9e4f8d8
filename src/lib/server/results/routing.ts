import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { SurveyNotFoundError } from './dashboard';
import { NotFoundError } from './drill';

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

/** A positive integer route parameter, or a 404. */
export function idParam(value: string | undefined): number {
	const parsed = idSchema.safeParse(value);
	if (!parsed.success) error(404, 'We could not find that page.');
	return parsed.data;
}

/** Maps results' not-found errors to 404 pages; rethrows anything else. */
export function notFound(e: unknown): never {
	if (e instanceof SurveyNotFoundError || e instanceof NotFoundError) error(404, e.message);
	throw e;
}
