import { Cron } from 'croner';

// When a triggered invitation is due. "Next 09:00 in the customer's zone" is evaluated by croner
// in the IANA zone, so DST changes are handled by the time-zone database, not by offset math.

export interface DelayRule {
	delay_kind: 'after' | 'local_time';
	delay_minutes: number;
	local_time: string;
}

/** The time zone used for a customer: theirs when valid, else the trigger's fallback. */
export function zoneFor(customerZone: string | null | undefined, fallback: string): string {
	if (customerZone) {
		try {
			new Intl.DateTimeFormat('en', { timeZone: customerZone });
			return customerZone;
		} catch {
			// an unknown zone falls back
		}
	}
	return fallback;
}

/**
 * The due time for an event: occurred_at + delay, or (local_time) the first HH:MM in the zone at
 * least delay_minutes after the event.
 */
export function dueAt(rule: DelayRule, occurredAt: Date, timeZone: string): Date {
	const earliest = new Date(occurredAt.getTime() + rule.delay_minutes * 60_000);
	if (rule.delay_kind === 'after') return earliest;
	const [h, m] = rule.local_time.split(':').map(Number);
	const cron = new Cron(`0 ${m} ${h} * * *`, { timezone: timeZone, paused: true });
	// nextRun is strictly after its argument: step back a second so an exact 09:00 counts
	const next = cron.nextRun(new Date(earliest.getTime() - 1000));
	return next ?? earliest;
}

/** Describes a delay for people, e.g. "2 hours after the event" or "next 09:00 local time". */
export function describeDelay(rule: DelayRule): string {
	const wait = describeMinutes(rule.delay_minutes);
	if (rule.delay_kind === 'after')
		return rule.delay_minutes === 0 ? 'right away' : `${wait} after the event`;
	return rule.delay_minutes === 0
		? `at the next ${rule.local_time} in the customer's time zone`
		: `at the next ${rule.local_time} in the customer's time zone, at least ${wait} after the event`;
}

/** 90 → "1 h 30 min", 2880 → "2 days". */
export function describeMinutes(minutes: number): string {
	if (minutes % 1440 === 0 && minutes > 0)
		return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
	if (minutes % 60 === 0 && minutes > 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
	if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
