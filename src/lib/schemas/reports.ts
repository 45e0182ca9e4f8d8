import { z } from 'zod';

// Forms of the reporting pages: digest subscriptions and share links.

const id = z.coerce.number().int().positive().max(2_147_483_647);
const checkbox = z
	.union([z.literal('on'), z.literal('true'), z.literal('')])
	.optional()
	.transform((v) => v === 'on' || v === 'true');

export const subscriptionSchema = z.object({
	surveyId: id,
	onClose: checkbox,
	weekly: checkbox
});

/** An admin subscribing someone else. */
export const subscribeOtherSchema = subscriptionSchema.extend({
	userId: z.coerce
		.number({ message: 'Choose a user.' })
		.int('Choose a user.')
		.positive('Choose a user.')
		.max(2_147_483_647)
});

export const unsubscribeOtherSchema = z.object({ userId: id });

export const shareLinkSchema = z.object({
	label: z.string().trim().max(200, 'Keep the label under 200 characters.').default(''),
	hideFreeText: checkbox,
	hiddenTopics: z.array(id).max(500).default([]),
	hiddenQuestions: z.array(z.uuid('Choose questions from the list.')).max(2000).default([]),
	/** days until the link expires; empty for never */
	expiresInDays: z.preprocess(
		(v) => (v === '' || v === undefined || v === null ? undefined : v),
		z.coerce
			.number({ message: 'Enter the number of days as a whole number.' })
			.int('Enter the number of days as a whole number.')
			.min(1, 'A link lasts at least 1 day.')
			.max(365, 'A link lasts at most 365 days; leave empty for no expiry.')
			.optional()
	)
});

export const revokeSchema = z.object({ linkId: id });

export const paperSchema = z.enum(['A4', 'Letter']).catch('A4');
