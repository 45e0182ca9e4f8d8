import { z } from 'zod';

// The schedule form. Cron, time zone, survey and segment checks that need the database or croner
// run in the scheduling domain; this schema checks shapes and ranges.

export const presetKinds = ['weekly', 'monthly', 'quarterly', 'twice-yearly', 'custom'] as const;
export type PresetKind = (typeof presetKinds)[number];

export const presetLabels: Record<PresetKind, string> = {
	weekly: 'Weekly',
	monthly: 'Monthly on day N',
	quarterly: 'Quarterly on the first Monday',
	'twice-yearly': 'Twice a year (1 January, 1 July)',
	custom: 'Custom cron expression'
};

const optionalInt = (min: number, max: number, what: string) =>
	z.preprocess(
		(v) =>
			v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v,
		z.coerce
			.number({ message: `Enter ${what} as a whole number.` })
			.int(`Enter ${what} as a whole number.`)
			.min(min, `${what[0].toUpperCase()}${what.slice(1)} is at least ${min}.`)
			.max(max, `${what[0].toUpperCase()}${what.slice(1)} is at most ${max}.`)
			.optional()
	);

const date = z
	.string()
	.trim()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as YYYY-MM-DD.')
	.refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'Enter a real date.');

export const scheduleSchema = z
	.object({
		name: z.string().trim().min(1, 'Give the schedule a name.').max(200, 'At most 200 characters.'),
		surveyId: z.coerce.number({ message: 'Choose a survey.' }).int().positive('Choose a survey.'),
		segmentId: z.coerce
			.number({ message: 'Choose a segment.' })
			.int()
			.positive('Choose a segment.'),
		preset: z.enum(presetKinds, { message: 'Choose how often it repeats.' }),
		weekday: z.coerce.number().int().min(0).max(6).default(1),
		day: z.coerce
			.number({ message: 'Enter a day of the month.' })
			.int('Enter a day of the month.')
			.min(1, 'Choose a day from 1 to 28.')
			.max(28, 'Choose a day from 1 to 28 (every month has it).')
			.default(1),
		time: z
			.string()
			.trim()
			.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time as HH:MM, e.g. 09:00.')
			.default('09:00'),
		cron: z.string().trim().max(200, 'At most 200 characters.').default(''),
		timeZone: z.string().trim().min(1, 'Choose a time zone.').max(100),
		startsOn: date,
		endsOn: z
			.string()
			.trim()
			.optional()
			.transform((v) => (v ? v : undefined))
			.pipe(date.optional()),
		maxWaves: optionalInt(1, 1000, 'the number of waves'),
		closeAfterDays: z.coerce
			.number({ message: 'Enter a number of days.' })
			.int('Enter whole days.')
			.min(1, 'At least 1 day.')
			.max(365, 'At most 365 days.'),
		reminder1: optionalInt(1, 60, 'the first reminder delay'),
		reminder2: optionalInt(1, 60, 'the second reminder delay'),
		senderName: z
			.string()
			.trim()
			.min(1, 'Enter the sender name.')
			.max(100, 'At most 100 characters.'),
		mailSubject: z.string().trim().min(1, 'Enter a subject.').max(200, 'At most 200 characters.'),
		mailBody: z
			.string()
			.trim()
			.min(1, 'Enter the e-mail text.')
			.max(10_000, 'At most 10,000 characters.')
	})
	.superRefine((v, ctx) => {
		if (v.preset === 'custom' && !v.cron)
			ctx.addIssue({ code: 'custom', path: ['cron'], message: 'Enter a cron expression.' });
		if (v.endsOn && v.endsOn < v.startsOn)
			ctx.addIssue({
				code: 'custom',
				path: ['endsOn'],
				message: 'The end date must be after the start date.'
			});
		if (v.reminder2 !== undefined && v.reminder1 === undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['reminder2'],
				message: 'Set the first reminder before a second one.'
			});
	});

export type ScheduleInput = z.output<typeof scheduleSchema>;

export const DEFAULT_SUBJECT = 'A few minutes for {{survey_title}}?';
export const DEFAULT_BODY = `Hello {{name}},

we would love to hear how we are doing. The survey takes about ten minutes:

{{link}}

It is open until {{close_date}}. Thank you!

{{sender_name}}`;
