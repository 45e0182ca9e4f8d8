import type { z } from 'zod';

/** Turns zod issues into one message per field, for forms. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
	const out: Record<string, string> = {};
	for (const issue of error.issues) {
		const key = issue.path.length ? issue.path.join('.') : '_';
		out[key] ??= issue.message;
	}
	return out;
}

/** FormData as a plain object of strings (last value wins); files are dropped. */
export function formObject(data: FormData): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of data) if (typeof v === 'string') out[k] = v;
	return out;
}

/** The posted form, or null when the body is not a form (wrong content type, malformed). */
export async function readForm(request: Request): Promise<FormData | null> {
	try {
		return await request.formData();
	} catch {
		return null;
	}
}

/** A form-level error (shown above the form), typed like fieldErrors. */
export function formError(message: string): Record<string, string> {
	return { _: message };
}
