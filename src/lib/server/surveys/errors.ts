/** Whether a database error is a unique-constraint violation (both drivers report SQLSTATE 23505). */
export function isUniqueViolation(e: unknown): boolean {
	return !!e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === '23505';
}
