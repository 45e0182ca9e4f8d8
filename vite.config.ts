import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

const pg = process.env.TEST_DATABASE_URL;

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 3000 },
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['test/unit/**/*.test.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['test/integration/**/*.test.ts'],
					environment: 'node',
					env: { TEST_DB: 'pglite' },
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			...(pg
				? [
						{
							extends: true as const,
							test: {
								name: 'integration-pg',
								include: ['test/integration/**/*.test.ts'],
								environment: 'node' as const,
								env: { TEST_DB: 'pg' },
								globalSetup: ['test/integration/pg-global-setup.ts'],
								testTimeout: 60_000,
								hookTimeout: 60_000
							}
						}
					]
				: []),
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['test/e2e/global-setup.ts'],
					testTimeout: 120_000,
					hookTimeout: 180_000,
					maxWorkers: 2,
					fileParallelism: true
				}
			}
		]
	}
});
