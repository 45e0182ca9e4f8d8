import { fail, type ActionFailure } from '@sveltejs/kit';
import { parseConditions, triggerFormSchema, type TriggerInput } from '$lib/schemas/triggers';
import { fieldErrors, formError, formObject, readForm } from '$lib/server/forms';
import { template } from '$lib/server/mail';
import { recurrence } from '$lib/server/scheduling';
import * as triggers from '$lib/server/triggers';
import * as runtime from '$lib/server/runtime';

type Failure = ActionFailure<{ values: Record<string, string>; errors: Record<string, string> }>;

/** Reads and shape-checks the trigger form: the input, or a 400 with the values echoed. */
export async function readTriggerForm(
	request: Request
): Promise<{ input: TriggerInput; values: Record<string, string> } | Failure> {
	const data = await readForm(request);
	if (!data) return fail(400, { values: {}, errors: formError('The form could not be read.') });
	const values = formObject(data);
	const parsed = triggerFormSchema.safeParse(values);
	const conditions = parseConditions(values);
	const errors = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...conditions.errors };
	if (!parsed.success || Object.keys(errors).length) return fail(400, { values, errors });
	return { input: { ...parsed.data, conditions: conditions.conditions }, values };
}

/** Maps a domain error to the form; rethrows anything else. */
export function triggerFailure(e: unknown, values: Record<string, string>): Failure {
	if (e instanceof triggers.TriggerInputError)
		return fail(400, { values, errors: { [e.field]: e.message } });
	if (e instanceof triggers.TriggerNotFoundError)
		return fail(404, { values, errors: formError(e.message) });
	throw e;
}

/** What the form needs besides values. */
export async function formOptions() {
	return {
		surveys: await triggers.surveyChoices(runtime.db()),
		timeZones: recurrence.timeZones(),
		placeholders: Object.entries(template.PLACEHOLDERS) as [string, string][]
	};
}

/** The defaults of a new trigger's form. */
export const newTriggerValues: Record<string, string> = {
	name: '',
	event_type: 'ticket.closed',
	delay_kind: 'after',
	delay_value: '2',
	delay_unit: 'hours',
	local_time: '09:00',
	time_zone: 'Europe/Berlin',
	once_per_days: '90',
	sample_percent: '100',
	mail_subject: 'One quick question about your request',
	mail_body:
		'Hello {{first_name}},\n\nWe would love to know how we did. It takes one click:\n\n{{link}}\n\nThank you,\n{{sender_name}}',
	sender_name: 'Customer Service'
};

/** A stored trigger as form values. */
export function toFormValues(t: triggers.Trigger): Record<string, string> {
	const unit =
		t.delayMinutes > 0 && t.delayMinutes % 1440 === 0
			? 'days'
			: t.delayMinutes > 0 && t.delayMinutes % 60 === 0
				? 'hours'
				: 'minutes';
	const per = { minutes: 1, hours: 60, days: 1440 }[unit];
	const values: Record<string, string> = {
		name: t.name,
		event_type: t.eventType,
		survey_id: String(t.surveyId),
		delay_kind: t.delayKind,
		delay_value: String(t.delayMinutes / per),
		delay_unit: unit,
		local_time: t.localTime,
		time_zone: t.timeZone,
		once_per_days: String(t.oncePerDays),
		sample_percent: String(t.samplePercent),
		mail_subject: t.mailSubject,
		mail_body: t.mailBody,
		sender_name: t.senderName
	};
	t.conditions.forEach((c, i) => {
		values[`cond_attribute_${i}`] = c.attribute;
		values[`cond_op_${i}`] = c.op;
		values[`cond_value_${i}`] = c.value;
	});
	return values;
}
