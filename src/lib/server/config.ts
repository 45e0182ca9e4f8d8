import { z } from 'zod';

const optionalUrl = (protocols: string[], hint: string) =>
	z
		.string()
		.trim()
		.optional()
		.transform((v) => (v === '' ? undefined : v))
		.refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), { message: hint });

const schema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	ORIGIN: optionalUrl(
		['http://', 'https://'],
		'must be an http(s) URL such as https://surveys.example.com'
	),
	DATABASE_URL: optionalUrl(
		['postgres://', 'postgresql://'],
		'must be a postgres:// or postgresql:// connection URL'
	),
	DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
	DATA_DIR: z.string().trim().min(1).default('./data'),
	SMTP_URL: optionalUrl(['smtp://', 'smtps://'], 'must be an smtp:// or smtps:// URL'),
	MAIL_FROM: z.string().trim().min(3).default('Soundings <surveys@localhost>'),
	MAIL_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
	ADMIN_EMAIL: z
		.email('must be an e-mail address')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	ADMIN_PASSWORD: z
		.string()
		.min(12, 'must be at least 12 characters')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
	WORKER: z.enum(['on', 'off']).default('on'),
	DEMO: z.enum(['on', 'off']).default('on'),
	SOUNDINGS_ENV: z.enum(['development', 'production', 'test']).default('development')
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses configuration from the environment; throws ConfigError with one line per bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const result = schema.safeParse(env);
	if (!result.success) {
		const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	return result.data;
}

let cached: Config | undefined;

/** The process configuration, parsed once. */
export function config(): Config {
	cached ??= loadConfig();
	return cached;
}
