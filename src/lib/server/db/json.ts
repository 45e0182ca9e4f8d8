import { sql, type RawBuilder } from 'kysely';

/**
 * A jsonb parameter. Always write jsonb through this: postgres.js and PGlite serialise plain JS
 * values differently (a boolean or array would not arrive as jsonb), a JSON string works in both.
 */
export function json<T>(value: T): RawBuilder<T> {
	return sql<T>`${JSON.stringify(value)}::text::jsonb`;
}
