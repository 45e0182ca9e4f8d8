// P3: materializing a wave of 100k invitations (and their e-mails) from a 1M-customer database,
// as a ratio to a hand-written INSERT … SELECT of the same rows in the same run (target ≤ 2×).
// Run alone with `npx tsx bench/materialize.ts [databaseUrl]`, or through `npm run bench`.
import { sql } from 'kysely';
import { openDb, type Db } from '../src/lib/server/db';
import { migrateToLatest } from '../src/lib/server/db/migrate';
import * as scheduling from '../src/lib/server/scheduling';
import { waves } from '../src/lib/server/scheduling';
import * as segments from '../src/lib/server/segments';
import { scheduleSchema } from '../src/lib/schemas/schedules';
import type { BenchResult } from './types';
import { scratchDatabase, timed } from './util';

const CUSTOMERS = Number(process.env.BENCH_MATERIALIZE_CUSTOMERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_MATERIALIZE_RUNS ?? 2);
const NOW = new Date('2026-03-02T10:00:00Z');

async function clear(db: Db): Promise<void> {
	await sql`truncate outbox, invitation_tokens, invitations restart identity cascade`.execute(db);
	await sql`delete from waves`.execute(db);
	await sql`vacuum analyze invitations`.execute(db);
	await sql`vacuum analyze outbox`.execute(db);
}

async function newWave(db: Db, surveyId: number, segmentId: number): Promise<number> {
	const w = await db
		.insertInto('waves')
		.values({ survey_id: surveyId, segment_id: segmentId, scheduled_for: NOW, kind: 'manual' })
		.returning('id')
		.executeTakeFirstOrThrow();
	return w.id;
}

/** The baseline: the same invitation and e-mail rows, written by hand in one statement. */
async function handWritten(db: Db, waveId: number, withMail: boolean): Promise<void> {
	const members = sql`select c.id as customer_id from customers c
		where c.attributes @> '{"tier":"gold"}' and c.unsubscribed_at is null
			and c.erased_at is null and c.email is not null and c.email <> ''`;
	if (!withMail) {
		await sql`insert into invitations (wave_id, customer_id, token_hash)
			select ${waveId}, m.customer_id,
				encode(sha256(convert_to(md5(random()::text) || m.customer_id, 'UTF8')), 'hex')
			from (${members}) m on conflict do nothing`.execute(db);
		return;
	}
	await db.transaction().execute(async (trx) => {
		await sql`with m as (${members}),
			ins as (
				insert into invitations (wave_id, customer_id, token_hash)
				select ${waveId}, m.customer_id,
					encode(sha256(convert_to('k:' || m.customer_id || ':k', 'UTF8')), 'hex')
				from m on conflict do nothing returning id, customer_id
			)
			insert into outbox (kind, idempotency_key, to_address, to_name, from_name, subject,
				text_body, html_body, headers, invitation_id, wave_id)
			select 'invitation', 'invitation:' || ins.id, c.email, c.name, 'Shop',
				'Hello ' || c.name || ', a few questions',
				'Hi ' || c.name || E',\n\nplease answer: http://localhost:3000/s/' || ins.customer_id,
				'<p>Hi ' || c.name || ',</p><p><a href="http://localhost:3000/s/' || ins.customer_id || '">link</a></p>',
				jsonb_build_object('List-Unsubscribe', '<http://localhost:3000/u/' || ins.customer_id || '>'),
				ins.id, ${waveId}
			from ins join customers c on c.id = ins.customer_id
			on conflict (idempotency_key) do nothing`.execute(trx);
	});
}

export async function run(databaseUrl: string): Promise<BenchResult> {
	const name = 'bench_materialize';
	const scratch = await scratchDatabase(databaseUrl, name);
	const handle = await openDb({ url: scratch.url, poolSize: 4 });
	const db = handle.db;
	try {
		await migrateToLatest(db as never);
		await sql`insert into customers (external_id, email, name, attributes)
			select 'b' || g, 'b' || g || '@example.com', 'Customer ' || g,
				jsonb_build_object('tier', case when g % 10 = 0 then 'gold' else 'basic' end)
			from generate_series(1, ${CUSTOMERS}::int) g`.execute(db);
		await sql`analyze customers`.execute(db);
		const survey = await db
			.insertInto('surveys')
			.values({ title: 'Bench survey' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await sql`insert into survey_versions (survey_id, number, status, definition)
			values (${survey.id}, 1, 'published', '{}'::jsonb)`.execute(db);
		const segmentId = await segments.create(db, {
			name: 'Gold tier',
			description: '',
			rules: {
				type: 'group',
				op: 'and',
				children: [{ type: 'attribute', key: 'tier', op: 'equals', value: 'gold' }]
			},
			samplePercent: 100,
			maxCustomers: null,
			contactCapDays: 0
		} as never);
		const input = scheduleSchema.parse({
			name: 'Bench',
			surveyId: String(survey.id),
			segmentId: String(segmentId),
			preset: 'weekly',
			timeZone: 'Europe/Berlin',
			startsOn: '2026-01-01',
			closeAfterDays: '14',
			senderName: 'Shop',
			mailSubject: 'Hello {{name}}, a few questions',
			mailBody: 'Hi {{name}},\n\nplease answer: {{link}}'
		});
		const scheduleId = await scheduling.create(db, input, { now: NOW, userId: null });

		const measured: number[] = [];
		const baseline: number[] = [];
		const invitationsOnly: number[] = [];
		let rows = 0;
		for (let i = 0; i < RUNS; i++) {
			await clear(db);
			await waves.sendNow(db, scheduleId, NOW);
			measured.push(await timed(() => waves.materializeDue(db, NOW)));
			const r = await sql<{ n: number }>`select count(*) as n from invitations`.execute(db);
			rows = Number(r.rows[0].n);
			await clear(db);
			const w = await newWave(db, survey.id, segmentId);
			baseline.push(await timed(() => handWritten(db, w, true)));
			await clear(db);
			const w2 = await newWave(db, survey.id, segmentId);
			invitationsOnly.push(await timed(() => handWritten(db, w2, false)));
		}
		const m = Math.min(...measured);
		const b = Math.min(...baseline);
		const ratio = m / b;
		return {
			name: `materialize ${rows.toLocaleString('en')} invitations from ${CUSTOMERS.toLocaleString('en')} customers`,
			target_id: 'P3',
			measuredMs: m,
			baselineMs: b,
			ratio,
			target: 2,
			direction: 'max',
			pass: rows === CUSTOMERS / 10 && ratio <= 2,
			extra: {
				invitations: rows,
				runs: RUNS,
				measuredRunsMs: measured.map(Math.round),
				baselineRunsMs: baseline.map(Math.round),
				baseline:
					'hand-written INSERT … SELECT of the same invitation rows and their outbox e-mails (one statement)',
				invitationsOnlyBaselineMs: Math.round(Math.min(...invitationsOnly)),
				ratioToInvitationsOnly: m / Math.min(...invitationsOnly)
			}
		};
	} finally {
		await handle.close();
		await scratch.drop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const r = await run(process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/test');
	console.log(JSON.stringify(r, null, 2));
}
