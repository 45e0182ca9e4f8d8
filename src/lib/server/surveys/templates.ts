import {
	definitionSchema,
	type Definition,
	type DefinitionInput,
	type Logic
} from '$lib/schemas/survey';

// The built-in starting points (issue: templates). Their ids are fixed here; creating a survey from
// a template gives every page and question fresh ids (draft.withFreshIds).

export interface Template {
	key: string;
	name: string;
	description: string;
	kind: 'periodic' | 'transactional';
	/** the survey-level follow-up rule (results open a follow-up when it holds) */
	followUpRule: Logic | null;
	definition: Definition;
}

/** A deterministic UUID (v4 layout) for template ids. */
const id = (t: number, n: number) =>
	`00000000-0000-4000-8000-${t.toString(16).padStart(4, '0')}${n.toString(16).padStart(8, '0')}`;

const AGREE = ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'];
const SATISFIED = ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'];
const BENCHMARK = 'Benchmark question: keep its wording so results compare with industry figures.';
const opts = (...labels: [string, string][]) => labels.map(([value, label]) => ({ value, label }));

const Q = (n: number) => id(1, n);
const likert = (n: number, prompt: string, topic: string, extra: object = {}) => ({
	id: Q(n),
	type: 'likert' as const,
	prompt,
	points: 5 as const,
	labels: AGREE,
	required: true,
	topic,
	scored: true,
	...extra
});

function quarterly(): DefinitionInput {
	return {
		title: 'Quarterly customer survey',
		language: 'en',
		intro:
			'Thank you for shopping with us. This survey takes about 8 minutes: it helps us improve our prices, website, payment, delivery and service.',
		thankYou: 'Thank you! Your answers go straight to the teams that can act on them.',
		cta: { label: 'Shop again', url: 'https://shop.example.com' },
		sections: [
			{
				id: id(1, 1001),
				title: 'Our marketing message',
				description: 'How our message reaches you.',
				questions: [
					{
						id: Q(1),
						type: 'single',
						prompt: 'How did you first hear about us?',
						options: opts(
							['search', 'Search engine'],
							['social', 'Social media'],
							['friend', 'A friend or colleague'],
							['ad', 'An advertisement'],
							['press', 'Press or blog']
						),
						other: true,
						topic: 'marketing-message'
					},
					likert(2, 'Our advertising speaks to what matters to me.', 'marketing-message'),
					likert(3, 'I understand what makes us different from other shops.', 'marketing-message'),
					{
						id: Q(4),
						type: 'matrix',
						prompt: 'How well do these words describe us?',
						points: 5,
						labels: ['Not at all', 'Slightly', 'Moderately', 'Very well', 'Extremely well'],
						items: opts(
							['trustworthy', 'Trustworthy'],
							['good-value', 'Good value'],
							['sustainable', 'Sustainable'],
							['modern', 'Modern']
						).map((o) => ({ key: o.value, label: o.label })),
						topic: 'marketing-message',
						scored: true
					},
					{
						id: Q(5),
						type: 'short_text',
						prompt: 'In a few words, what do we stand for?',
						maxLength: 200,
						topic: 'marketing-message'
					}
				]
			},
			{
				id: id(1, 1002),
				title: 'You and our brand',
				questions: [
					{
						id: Q(6),
						type: 'nps',
						prompt: 'How likely are you to recommend us to a friend or colleague?',
						help: BENCHMARK,
						required: true,
						topic: 'brand-attachment',
						scored: true
					},
					likert(7, 'I feel attached to this brand.', 'brand-attachment'),
					{
						id: Q(8),
						type: 'rating',
						prompt: 'Overall, how would you rate us?',
						help: BENCHMARK,
						style: 'numeric',
						max: 10,
						required: true,
						topic: 'brand-attachment',
						scored: true
					},
					{
						id: Q(9),
						type: 'yesno',
						prompt: 'Would you miss us if we closed tomorrow?',
						topic: 'brand-attachment',
						scored: true
					},
					{
						id: Q(10),
						type: 'long_text',
						prompt: 'Why do you choose us over other shops?',
						maxLength: 2000,
						topic: 'brand-attachment'
					}
				]
			},
			{
				id: id(1, 1003),
				title: 'Value for money',
				questions: [
					likert(11, 'Our prices are fair for what you get.', 'value-for-money', {
						help: BENCHMARK
					}),
					{
						id: Q(12),
						type: 'rating',
						prompt: 'How do you rate the quality of the products you bought?',
						style: 'stars',
						max: 5,
						topic: 'value-for-money',
						scored: true
					},
					{
						id: Q(13),
						type: 'single',
						prompt: 'Compared with other shops, our prices are…',
						options: [
							{ value: 'lower', label: 'Lower', score: 100 },
							{ value: 'same', label: 'About the same', score: 50 },
							{ value: 'higher', label: 'Higher', score: 0 }
						],
						topic: 'value-for-money',
						scored: true
					},
					{
						id: Q(14),
						type: 'long_text',
						prompt: 'What would make us better value for money?',
						maxLength: 2000,
						topic: 'value-for-money',
						logic: { mode: 'all', conditions: [{ question: Q(11), op: 'lte', value: 2 }] }
					}
				]
			},
			{
				id: id(1, 1004),
				title: 'Our website',
				questions: [
					likert(
						15,
						'It is easy to find what I am looking for on our website.',
						'website-navigation'
					),
					{
						id: Q(16),
						type: 'matrix',
						prompt: 'How satisfied are you with these parts of our website?',
						points: 5,
						labels: SATISFIED,
						items: [
							{ key: 'search', label: 'Search' },
							{ key: 'product-pages', label: 'Product pages' },
							{ key: 'checkout', label: 'Checkout' },
							{ key: 'account', label: 'My account' }
						],
						topic: 'website-navigation',
						scored: true
					},
					{
						id: Q(17),
						type: 'yesno',
						prompt: 'Did you find everything you were looking for on your last visit?',
						topic: 'website-navigation',
						scored: true
					},
					{
						id: Q(18),
						type: 'short_text',
						prompt: 'What were you looking for that you could not find?',
						maxLength: 300,
						topic: 'website-navigation',
						logic: { mode: 'all', conditions: [{ question: Q(17), op: 'equals', value: false }] }
					},
					{
						id: Q(19),
						type: 'ranking',
						prompt: 'Rank what matters most when you shop with us, most important first.',
						options: opts(
							['price', 'Price'],
							['delivery-time', 'Delivery time'],
							['product-info', 'Product information'],
							['reviews', 'Reviews']
						),
						topic: 'website-navigation'
					}
				]
			},
			{
				id: id(1, 1005),
				title: 'Payment',
				questions: [
					{
						id: Q(20),
						type: 'multiple',
						prompt: 'Which payment options have you used with us?',
						options: opts(
							['card', 'Credit or debit card'],
							['invoice', 'Invoice'],
							['paypal', 'PayPal'],
							['wallet', 'Apple Pay or Google Pay'],
							['instalments', 'Instalments']
						),
						other: true,
						minPicks: 1,
						topic: 'payment-options'
					},
					likert(21, 'I could pay the way I wanted.', 'payment-options', { help: BENCHMARK }),
					{
						id: Q(22),
						type: 'single',
						prompt: 'Which payment option are you missing?',
						options: opts(
							['invoice', 'Invoice'],
							['instalments', 'Instalments'],
							['bank-transfer', 'Bank transfer'],
							['wallet', 'Apple Pay or Google Pay']
						),
						other: true,
						topic: 'payment-options',
						logic: { mode: 'all', conditions: [{ question: Q(21), op: 'lte', value: 3 }] }
					}
				]
			},
			{
				id: id(1, 1006),
				title: 'Shipping and delivery',
				questions: [
					{
						id: Q(23),
						type: 'single',
						prompt: 'Which delivery option did you choose last time?',
						options: opts(
							['standard', 'Standard delivery'],
							['express', 'Express delivery'],
							['pickup', 'Pick-up point'],
							['collect', 'Click & collect in a store']
						),
						topic: 'shipping-delivery'
					},
					likert(24, 'The delivery options suit me.', 'shipping-delivery'),
					{
						id: Q(25),
						type: 'matrix',
						prompt: 'How satisfied are you with our delivery?',
						points: 5,
						labels: SATISFIED,
						items: [
							{ key: 'conditions', label: 'Delivery conditions (costs, free-shipping threshold)' },
							{ key: 'arrival-time', label: 'Arrival time' },
							{ key: 'tracking', label: 'Tracking updates' },
							{ key: 'packaging', label: 'Packaging' }
						],
						topic: 'shipping-delivery',
						scored: true
					},
					{
						id: Q(26),
						type: 'yesno',
						prompt: 'Did your last order arrive on the date we promised?',
						help: BENCHMARK,
						required: true,
						topic: 'shipping-delivery',
						scored: true
					},
					{
						id: Q(27),
						type: 'number',
						prompt: 'How many days did you wait for your last order?',
						min: 0,
						max: 60,
						integer: true,
						unit: 'days',
						topic: 'shipping-delivery'
					},
					{
						id: Q(28),
						type: 'long_text',
						prompt: 'What went wrong with the delivery?',
						maxLength: 2000,
						topic: 'shipping-delivery',
						logic: { mode: 'all', conditions: [{ question: Q(26), op: 'equals', value: false }] }
					}
				]
			},
			{
				id: id(1, 1007),
				title: 'Service',
				questions: [
					{
						id: Q(29),
						type: 'yesno',
						prompt: 'Have you contacted our customer service in the last three months?',
						required: true,
						topic: 'service'
					},
					likert(30, 'My question was handled well.', 'service', {
						logic: { mode: 'all', conditions: [{ question: Q(29), op: 'equals', value: true }] }
					}),
					{
						id: Q(31),
						type: 'rating',
						prompt: 'How would you rate our customer service?',
						help: BENCHMARK,
						style: 'numeric',
						max: 10,
						topic: 'service',
						scored: true,
						logic: { mode: 'all', conditions: [{ question: Q(29), op: 'equals', value: true }] }
					},
					{
						id: Q(32),
						type: 'long_text',
						prompt: 'Is there anything else you would like to tell us?',
						maxLength: 5000
					}
				]
			}
		]
	};
}

function transactional(): DefinitionInput {
	const T = (n: number) => id(2, n);
	return {
		title: 'How did we handle your request?',
		language: 'en',
		intro: '',
		thankYou: 'Thank you for letting us know.',
		cta: null,
		sections: [
			{
				id: T(1001),
				title: '',
				questions: [
					{
						id: T(1),
						type: 'yesno',
						prompt: 'Were you pleased with how we handled your request?',
						yesLabel: 'Yes, pleased',
						noLabel: 'No',
						required: true,
						topic: 'service',
						scored: true
					},
					{
						id: T(2),
						type: 'long_text',
						prompt: 'What went wrong?',
						help: 'Optional: tell us and we will follow up.',
						maxLength: 2000,
						topic: 'service',
						logic: { mode: 'all', conditions: [{ question: T(1), op: 'equals', value: false }] }
					}
				]
			}
		]
	};
}

function followUp(): DefinitionInput {
	const F = (n: number) => id(3, n);
	return {
		title: 'About your recent order',
		language: 'en',
		intro: 'Two minutes about your recent visit help us make ordering easier.',
		thankYou: 'Thank you! We read every answer.',
		cta: { label: 'Shop again', url: 'https://shop.example.com' },
		sections: [
			{
				id: F(1001),
				title: 'Your order',
				questions: [
					{
						id: F(1),
						type: 'yesno',
						prompt: 'Did you complete your order?',
						required: true
					},
					{
						id: F(2),
						type: 'multiple',
						prompt: "Why didn't you complete your order?",
						options: opts(
							['price', 'The price was too high'],
							['shipping-cost', 'Delivery costs'],
							['delivery-time', 'Delivery would take too long'],
							['payment', 'My payment option was missing'],
							['website', 'Problems with the website'],
							['browsing', 'I was only looking']
						),
						other: true,
						topic: 'value-for-money',
						logic: { mode: 'all', conditions: [{ question: F(1), op: 'equals', value: false }] }
					},
					{
						id: F(3),
						type: 'yesno',
						prompt: 'Were you satisfied with the whole process?',
						required: true,
						topic: 'service',
						scored: true
					},
					{
						id: F(4),
						type: 'long_text',
						prompt: 'What went wrong?',
						maxLength: 2000,
						topic: 'service',
						logic: { mode: 'all', conditions: [{ question: F(3), op: 'equals', value: false }] }
					},
					{
						id: F(5),
						type: 'yesno',
						prompt: 'Did we handle it the way you wanted?',
						topic: 'service',
						scored: true
					}
				]
			}
		]
	};
}

/** The built-in templates, validated. */
export function builtIn(): Template[] {
	return [
		{
			key: 'quarterly',
			name: 'Quarterly customer survey',
			description:
				'The long-form periodic survey: all seven default topics, 32 questions of every type, with benchmark questions.',
			kind: 'periodic',
			followUpRule: { mode: 'all', conditions: [{ question: Q(6), op: 'lte', value: 6 }] },
			definition: definitionSchema.parse(quarterly())
		},
		{
			key: 'transactional',
			name: 'One-question transactional survey',
			description:
				'“Were you pleased with how we handled your request?” Yes/no, and “what went wrong?” after a no.',
			kind: 'transactional',
			followUpRule: {
				mode: 'all',
				conditions: [{ question: id(2, 1), op: 'equals', value: false }]
			},
			definition: definitionSchema.parse(transactional())
		},
		{
			key: 'order-follow-up',
			name: 'Order follow-up',
			description:
				'For customers who completed an order and for those who did not: why not, satisfaction with the whole process, what went wrong.',
			kind: 'transactional',
			followUpRule: {
				mode: 'all',
				conditions: [{ question: id(3, 3), op: 'equals', value: false }]
			},
			definition: definitionSchema.parse(followUp())
		}
	];
}

/** One built-in template by key. */
export function byKey(key: string): Template | undefined {
	return builtIn().find((t) => t.key === key);
}
