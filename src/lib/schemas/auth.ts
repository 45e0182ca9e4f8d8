import { z } from 'zod';

export const loginSchema = z.object({
	email: z
		.string()
		.trim()
		.min(1, 'Enter your e-mail address.')
		.max(320)
		.pipe(z.email('Enter a valid e-mail address.')),
	password: z.string().min(1, 'Enter your password.').max(1000, 'That password is too long.')
});

export const roleSchema = z.enum(['admin', 'editor', 'viewer'], {
	message: 'Choose admin, editor or viewer.'
});

export const newUserSchema = z.object({
	email: z.string().trim().max(320).pipe(z.email('Enter a valid e-mail address.')),
	name: z.string().trim().max(200, 'Keep the name under 200 characters.').default(''),
	role: roleSchema,
	password: z
		.string()
		.min(12, 'Use at least 12 characters.')
		.max(200, 'Use at most 200 characters.')
});

/** Where to go after sign-in: only local paths, never another site. */
export function safeNext(next: string | null | undefined): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
	return next;
}
