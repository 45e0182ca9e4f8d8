// P1 (npm run bench:load): respondents completing a 40-question survey over HTTP against the built
// app on PostgreSQL, 32 concurrent clients for 30 s, compared with a bare postgres.js loop
// inserting the same rows in the same run. Also a mixed load with 5 dashboard viewers.
// Standalone: tsx bench/load.ts [postgres-url]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { sql } from 'kysely';
import { openDb } from '$lib/server/db';
import { migrateToLatest } from '$lib/server/db/migrate';
import { randomToken, sha256 } from '$lib/server/crypto';
import type { DefinitionInput } from '$lib/schemas/survey';
import { createPublishedSurvey } from '../test/helpers/fixtures';
import type { BenchResult } from './types';
import { scratchDatabase } from './util';

const QUESTIONS = 40;
const CONNECTIONS = 32;
const DURATION = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
// enough invitations that neither phase nor the baseline meets one already answered (about 1,000
// responses a second in the app phases, 2,500 in the baseline)
const TOKENS = 160_000;
const ADMIN = { email: 'bench@soundings.test', password: 'bench-admin-password' };

const lineage = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
const topics = [
	'marketing-message',
	'brand-attachment',
	'value-for-money',
	'website-navigation',
	'payment-options',
	'shipping-delivery',
	'service'
];

function definition(): DefinitionInput {
	return {
		title: 'Load test survey',
		sections: [
			{
				id: '10000000-0000-4000-8000-000000000000',
				title: 'All questions',
				questions: Array.from({ length: QUESTIONS }, (_, i) => ({
					id: lineage(i),
					type: 'likert' as const,
					prompt: `Statement ${i + 1}`,
					points: 5 as const,
					labels: ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'],
					required: true,
					topic: topics[i % topics.length],
					scored: true
				}))
			}
		]
	};
}

function answerBody(seed: number): string {
	const form = new URLSearchParams({ section: '0' });
	for (let i = 0; i < QUESTIONS; i++) form.set(`q.${lineage(i)}`, String(((seed + i) % 5) + 1));
	return form.toString();
}

async function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => res(port));
		});
		s.on('error', rej);
	});
}

interface Phase {
	requests: number;
	errors: number;
	non2xx3xx: number;
	throughput: number;
	p50: number;
	p99: number;
}

function phase(r: autocannon.Result, seconds: number): Phase {
	return {
		requests: r.requests.total,
		errors: r.errors + r.timeouts,
		non2xx3xx: r.non2xx - (r['3xx'] ?? 0),
		throughput: r.requests.total / seconds,
		p50: r.latency.p50,
		p99: r.latency.p99
	};
}

export async function run(databaseUrl: string): Promise<BenchResult> {
	const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
	const out = resolve(root, '.out/bench');
	if (!existsSync(`${out}/build/index.js`) || process.env.BENCH_REBUILD === '1') {
		const b = spawnSync(
			process.execPath,
			['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'],
			{
				cwd: root,
				stdio: 'inherit',
				env: { ...process.env, SOUNDINGS_OUT: out }
			}
		);
		if (b.status !== 0) throw new Error('build failed');
	}
	const name = `bench_p1_${Date.now().toString(36)}`;
	const { url, drop } = await scratchDatabase(databaseUrl, name);
	let child: ChildProcess | undefined;
	const handle = await openDb({ url, poolSize: 8 });
	try {
		await migrateToLatest(handle.db as never);
		const { surveyId, versionId } = await createPublishedSurvey(handle.db, definition());
		// customers, an open wave and one invitation per token, set-based
		await handle.db.executeQuery(
			sql`insert into customers (external_id, email, name)
				select 'load-' || g, 'load-' || g || '@example.com', 'Load ' || g from generate_series(1, ${TOKENS}) g`.compile(
				handle.db
			)
		);
		const wave = await handle.db
			.insertInto('waves')
			.values({
				survey_id: surveyId,
				version_id: versionId,
				kind: 'manual',
				name: 'Load',
				scheduled_for: new Date(),
				status: 'open',
				closes_at: new Date(Date.now() + 86_400_000)
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const customers = await handle.db.selectFrom('customers').select('id').orderBy('id').execute();
		const tokens = customers.map(() => randomToken());
		for (let i = 0; i < customers.length; i += 5000) {
			await handle.db
				.insertInto('invitations')
				.values(
					customers.slice(i, i + 5000).map((c, j) => ({
						wave_id: wave.id,
						customer_id: c.id,
						token_hash: sha256(tokens[i + j]),
						sent_at: new Date()
					}))
				)
				.execute();
		}
		const questionIds = await handle.db
			.selectFrom('questions')
			.select(['id', 'lineage'])
			.where('version_id', '=', versionId)
			.orderBy('position')
			.execute();

		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		// BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the app
		const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
		child = spawn(process.execPath, [...nodeArgs, `${out}/build/index.js`], {
			env: {
				...process.env,
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: base,
				DATABASE_URL: url,
				DATABASE_POOL_SIZE: '20',
				WORKER: 'off',
				DEMO: 'off',
				ADMIN_EMAIL: ADMIN.email,
				ADMIN_PASSWORD: ADMIN.password,
				SOUNDINGS_ENV: 'production'
			},
			stdio: ['ignore', 'ignore', 'inherit']
		});
		for (let i = 0; ; i++) {
			try {
				if ((await fetch(`${base}/healthz`)).ok) break;
			} catch {
				/* starting */
			}
			if (i > 600) throw new Error('the app did not start');
			await new Promise((r) => setTimeout(r, 100));
		}

		let next = 0;
		const submitRequest = {
			method: 'POST' as const,
			setupRequest: (req: Record<string, unknown>) => {
				const i = next++ % tokens.length;
				return {
					...req,
					path: `/s/${tokens[i]}?/next`,
					headers: {
						origin: base,
						'content-type': 'application/x-www-form-urlencoded',
						accept: 'text/html'
					},
					body: answerBody(i)
				};
			}
		};
		const respondents = await autocannon({
			url: base,
			connections: CONNECTIONS,
			duration: DURATION,
			requests: [submitRequest]
		});
		const app = phase(respondents, DURATION);
		// rollups are folded in just after each submit (DESIGN allows 5 s): time the queue's drain
		const drainStart = Date.now();
		let rolledUp = 0;
		for (;;) {
			const pending = await handle.db
				.selectFrom('completion_queue')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
			if (Number(pending.n) === 0 || Date.now() - drainStart > 30_000) {
				const w = await handle.db
					.selectFrom('rollup_waves')
					.select('responses')
					.where('wave_id', '=', wave.id)
					.executeTakeFirst();
				rolledUp = w?.responses ?? 0;
				break;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		const drainMs = Date.now() - drainStart;
		const completed = Number(
			(
				await handle.db
					.selectFrom('responses')
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.where('status', '=', 'complete')
					.executeTakeFirstOrThrow()
			).n
		);

		// mixed: respondents plus 5 dashboard viewers
		const login = await fetch(`${base}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: base,
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html'
			},
			body: new URLSearchParams(ADMIN)
		});
		const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
		const mixedSeconds = Math.max(5, Math.round(DURATION / 2));
		const [, dashboards] = await Promise.all([
			autocannon({
				url: base,
				connections: CONNECTIONS,
				duration: mixedSeconds,
				requests: [submitRequest]
			}),
			autocannon({
				url: `${base}/results/${surveyId}`,
				connections: 5,
				duration: mixedSeconds,
				headers: { cookie, accept: 'text/html' }
			})
		]);
		const dash = phase(dashboards, mixedSeconds);

		// baseline: the same rows through a bare postgres.js loop, same concurrency and duration, on
		// invitations nobody answered yet (an answered one would be a cheap no-op, counted as done)
		const invitations = await handle.db
			.selectFrom('invitations as i')
			.select(['i.id', 'i.customer_id'])
			.where(({ not, exists, selectFrom }) =>
				not(
					exists(
						selectFrom('responses as r').select('r.id').whereRef('r.invitation_id', '=', 'i.id')
					)
				)
			)
			.orderBy('i.id')
			.execute();
		const bare = postgres(url, { max: CONNECTIONS, onnotice: () => {} });
		let cursor = 0;
		let done = 0;
		const deadline = Date.now() + DURATION * 1000;
		await Promise.all(
			Array.from({ length: CONNECTIONS }, async () => {
				while (Date.now() < deadline) {
					const inv = invitations[cursor++];
					if (!inv) throw new Error('the baseline ran out of unanswered invitations: raise TOKENS');
					await bare.begin(async (tx) => {
						const [r] =
							await tx`insert into responses (invitation_id, survey_id, version_id, wave_id, customer_id, status, completed_at)
							values (${inv.id}, ${surveyId}, ${versionId}, ${wave.id}, ${inv.customer_id}, 'complete', now())
							on conflict (invitation_id) do nothing returning id`;
						if (!r) return;
						const rows = questionIds.map((q, i) => ({
							response_id: r.id,
							question_id: q.id,
							lineage: q.lineage,
							item: '',
							value: ((cursor + i) % 5) + 1,
							score: ((cursor + i) % 5) * 25
						}));
						await tx`insert into answers ${tx(rows)}`;
						await tx`update invitations set completed_at = now() where id = ${inv.id}`;
						done++;
					});
				}
			})
		);
		await bare.end();
		const baselineThroughput = done / DURATION;
		const ratio = app.throughput / baselineThroughput;
		const rollupsCurrent = rolledUp === completed && drainMs <= 5000;
		const errorFree =
			rollupsCurrent &&
			app.errors === 0 &&
			app.non2xx3xx === 0 &&
			dash.errors === 0 &&
			dash.non2xx3xx === 0;
		return {
			name: `submit ${QUESTIONS}-question responses, ${CONNECTIONS} clients × ${DURATION}s`,
			target_id: 'P1',
			measuredMs: 1000 / app.throughput,
			baselineMs: 1000 / baselineThroughput,
			ratio,
			target: 0.4,
			direction: 'min',
			pass: ratio >= 0.4 && errorFree,
			extra: {
				responsesPerSecond: Math.round(app.throughput),
				baselinePerSecond: Math.round(baselineThroughput),
				completedResponses: completed,
				rollupCountedResponses: rolledUp,
				rollupDrainMsAfterLoad: drainMs,
				p50ms: app.p50,
				p99ms: app.p99,
				errors: app.errors + app.non2xx3xx,
				mixed: {
					dashboardP50ms: dash.p50,
					dashboardP99ms: dash.p99,
					dashboardRequests: dash.requests,
					dashboardErrors: dash.errors + dash.non2xx3xx
				}
			}
		};
	} finally {
		child?.kill('SIGTERM');
		await handle.close();
		await new Promise((r) => setTimeout(r, 500));
		await drop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	const r = await run(
		process.argv[2] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
	);
	console.log(JSON.stringify(r, null, 2));
	process.exit(r.pass ? 0 : 1);
}
