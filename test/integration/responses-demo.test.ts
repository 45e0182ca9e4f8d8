import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import * as demo from '$lib/server/demo';
import { users } from '$lib/server/auth';
import { testDbKind, useTestDb } from '../helpers/db';

const ctx = useTestDb();

describe(`demo responses on ${testDbKind}`, () => {
	it('fill the demo waves with completed responses whose topic scores move and some complaints', async () => {
		const admin = await users.create(ctx.db, {
			email: 'admin@demo.test',
			name: 'Admin',
			role: 'admin',
			password: 'password-123456'
		});
		await demo.seed(ctx.db, { adminId: admin.id, password: 'password-123456' });
		const perWave = await sql<{ wave_id: number; topic: string; score: number }>`
			select r.wave_id, t.key as topic, avg(a.score)::float8 as score
			from answers a join responses r on r.id = a.response_id
			join questions q on q.id = a.question_id join topics t on t.id = q.topic_id
			where r.status = 'complete' and r.is_demo and a.score is not null
			group by r.wave_id, t.key order by r.wave_id`.execute(ctx.db);
		const waves = new Set(perWave.rows.map((r) => r.wave_id));
		expect(waves.size).toBeGreaterThanOrEqual(3);
		const delivery = perWave.rows
			.filter((r) => r.topic === 'shipping-delivery')
			.map((r) => r.score);
		expect(Math.max(...delivery) - Math.min(...delivery)).toBeGreaterThan(3);
		const complaints = await ctx.db
			.selectFrom('answers')
			.select('text')
			.where('text', 'like', '%late%')
			.execute();
		expect(complaints.length).toBeGreaterThan(0);
		const partial = await ctx.db
			.selectFrom('responses')
			.select('id')
			.where('status', '=', 'partial')
			.execute();
		expect(partial.length).toBeGreaterThan(0);
	}, 120_000);
});
