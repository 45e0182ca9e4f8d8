import { fail, type ActionFailure } from '@sveltejs/kit';
import { scheduleSchema, type ScheduleInput } from '$lib/schemas/schedules';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import * as scheduling from '$lib/server/scheduling';
import { recurrence } from '$lib/server/scheduling';
import { template } from '$lib/server/mail';
import * as runtime from '$lib/server/runtime';

type Failure = ActionFailure<{ values: Record<string, string>; errors: Record<string, string> }>;

/** Reads and shape-checks the schedule form: the input, or a 400 with the values echoed. */
export async function readScheduleForm(
	request: Request
): Promise<{ input: ScheduleInput; values: Record<string, string> } | Failure> {
	const data = await readForm(request);
	if (!data) return fail(400, { values: {}, errors: formError('The form could not be read.') });
	const values = formObject(data);
	const parsed = scheduleSchema.safeParse(values);
	if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error) });
	return { input: parsed.data, values };
}

/** Maps a domain validation error to the form; rethrows anything else. */
export function scheduleFailure(e: unknown, values: Record<string, string>): Failure {
	if (e instanceof scheduling.ScheduleInputError) return fail(400, { values, errors: e.errors });
	if (e instanceof scheduling.ScheduleNotFoundError)
		return fail(404, { values, errors: formError(e.message) });
	throw e;
}

/** What the form needs besides values. */
export async function formData() {
	const options = await scheduling.formOptions(runtime.db());
	return {
		...options,
		timeZones: recurrence.timeZones(),
		placeholders: Object.entries(template.PLACEHOLDERS) as [string, string][]
	};
}
