import { Cron } from 'croner';

// Recurrence: presets compile to cron expressions; croner evaluates them in an IANA time zone.

export type Preset =
	| { kind: 'weekly'; weekday: number; time: string }
	| { kind: 'monthly'; day: number; time: string }
	| { kind: 'quarterly'; time: string }
	| { kind: 'twice-yearly'; time: string }
	| { kind: 'custom'; cron: string };

export const WEEKDAYS = [
	'Sunday',
	'Monday',
	'Tuesday',
	'Wednesday',
	'Thursday',
	'Friday',
	'Saturday'
] as const;

export class RecurrenceError extends Error {}

function hm(time: string): [number, number] {
	const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time.trim());
	if (!m) throw new RecurrenceError('Enter a time as HH:MM, e.g. 09:00.');
	return [Number(m[1]), Number(m[2])];
}

/** The cron expression of a preset (minute hour day-of-month month day-of-week). */
export function presetToCron(preset: Preset): string {
	if (preset.kind === 'custom') return preset.cron.trim().replace(/\s+/g, ' ');
	const [h, m] = hm(preset.time);
	switch (preset.kind) {
		case 'weekly':
			return `${m} ${h} * * ${preset.weekday}`;
		case 'monthly':
			return `${m} ${h} ${preset.day} * *`;
		case 'quarterly':
			// the first Monday of January, April, July and October
			return `${m} ${h} * 1,4,7,10 1#1`;
		case 'twice-yearly':
			return `${m} ${h} 1 1,7 *`;
	}
}

/** A sentence describing the preset, in the marketer's words. */
export function describe(preset: Preset): string {
	switch (preset.kind) {
		case 'weekly':
			return `Every ${WEEKDAYS[preset.weekday]} at ${preset.time}`;
		case 'monthly':
			return `Monthly on day ${preset.day} at ${preset.time}`;
		case 'quarterly':
			return `Quarterly on the first Monday (Jan, Apr, Jul, Oct) at ${preset.time}`;
		case 'twice-yearly':
			return `Twice a year (1 January and 1 July) at ${preset.time}`;
		case 'custom':
			return `Custom: ${preset.cron}`;
	}
}

/** Whether the name is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
	if (!tz || !/^[A-Za-z_+\-/0-9]+$/.test(tz)) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

/** Every IANA zone name, for the form's list. */
export function timeZones(): string[] {
	return Intl.supportedValuesOf('timeZone');
}

/** Throws RecurrenceError with a readable reason when the cron expression is not valid. */
export function validateCron(cron: string): void {
	const fields = cron.trim().split(/\s+/);
	if (fields.length !== 5)
		throw new RecurrenceError(
			'A cron expression has five fields: minute hour day-of-month month day-of-week.'
		);
	try {
		const c = new Cron(cron, { paused: true, timezone: 'UTC' });
		if (!c.nextRun(new Date('2000-01-01T00:00:00Z')))
			throw new RecurrenceError('This cron expression never fires.');
	} catch (e) {
		if (e instanceof RecurrenceError) throw e;
		throw new RecurrenceError(
			`Not a valid cron expression: ${(e as Error).message.replace(/^CronPattern: /, '')}`
		);
	}
}

/** The first occurrence strictly after `after`, or null when there is none. */
export function nextAfter(cron: string, timeZone: string, after: Date): Date | null {
	const c = new Cron(cron, { paused: true, timezone: timeZone });
	return c.nextRun(after);
}

/** The first occurrence at or after `from`. */
export function firstFrom(cron: string, timeZone: string, from: Date): Date | null {
	return nextAfter(cron, timeZone, new Date(from.getTime() - 1));
}

/** Up to n occurrences after `after`, stopping at `until` (inclusive). */
export function nextRuns(
	cron: string,
	timeZone: string,
	after: Date,
	n: number,
	until?: Date | null
): Date[] {
	const out: Date[] = [];
	let at: Date | null = after;
	while (out.length < n) {
		at = nextAfter(cron, timeZone, at);
		if (!at || (until && at > until)) break;
		out.push(at);
	}
	return out;
}

/** A date and time as the marketer reads it in the schedule's zone, e.g. "Mon 6 Apr 2026, 09:00 CEST". */
export function formatInZone(at: Date, timeZone: string, locale = 'en-GB'): string {
	return new Intl.DateTimeFormat(locale, {
		timeZone,
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		timeZoneName: 'short'
	}).format(at);
}
