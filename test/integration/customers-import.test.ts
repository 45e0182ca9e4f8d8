import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as customers from '$lib/server/customers';
import { imports } from '$lib/server/customers';
import { upsertBatch } from '$lib/server/customers/batch';
import { testDbKind, useTestDb } from '../helpers/db';

const ctx = useTestDb();
const dir = mkdtempSync(join(tmpdir(), 'sdt-import-'));
let n = 0;

function file(content: string | Buffer): string {
	const p = join(dir, `f${n++}.csv`);
	writeFileSync(p, content);
	return p;
}

async function importCsv(kind: 'customers' | 'orders', content: string | Buffer) {
	const job = await imports.importLocalFile(ctx.db, { kind, path: file(content) });
	const errors = await imports.errorRows(ctx.db, job.id);
	return { job, errors };
}

describe(`customer import on ${testDbKind}`, () => {
	it('creates, then updates by external id, merging attributes', async () => {
		const first = await importCsv(
			'customers',
			'external_id,email,name,country,plan\nc1,a@example.com,Anna,DE,free\nc2,b@example.com,Ben,FR,pro\n'
		);
		expect(first.job).toMatchObject({
			status: 'done',
			created_count: 2,
			updated_count: 0,
			skipped_count: 0
		});
		const second = await importCsv(
			'customers',
			'id;e-mail;channel\nc1;anna@example.com;web\nc3;c@example.com;app\n'
		);
		expect(second.job).toMatchObject({ status: 'done', created_count: 1, updated_count: 1 });
		const c1 = await ctx.db
			.selectFrom('customers')
			.selectAll()
			.where('external_id', '=', 'c1')
			.executeTakeFirstOrThrow();
		expect(c1.email).toBe('anna@example.com');
		expect(c1.name).toBe('Anna');
		expect(c1.attributes).toEqual({ country: 'DE', plan: 'free', channel: 'web' });
	});

	it('keeps good rows and reports bad ones with row, column and reason', async () => {
		const { job, errors } = await importCsv(
			'customers',
			[
				'external_id,email,name',
				'c1,good@example.com,Good',
				'c2,not-an-email,Bad',
				',nobody@example.com,No id',
				'c1,again@example.com,Duplicate',
				'c4,x@example.com,Too,many',
				'c5,ok@example.com,Fine'
			].join('\n')
		);
		expect(job).toMatchObject({ status: 'done', created_count: 2, skipped_count: 4 });
		expect(errors.map((e) => [e.row_number, e.column_name])).toEqual([
			[3, 'email'],
			[4, 'external_id'],
			[5, 'external_id'],
			[6, '']
		]);
		expect(errors[0].reason).toMatch(/e-mail/i);
		expect(errors[2].reason).toMatch(/duplicate/i);
	});

	it('sniffs a semicolon delimiter and refuses a file without the required column', async () => {
		const semi = await importCsv('customers', 'external_id;email\nc1;a@example.com\n');
		expect(semi.job.status).toBe('done');
		await expect(importCsv('customers', 'foo,bar\n1,2\n')).rejects.toThrow(/External id/);
	});

	it('stops at a broken quote, keeping the rows before it and storing nothing garbled', async () => {
		const { job, errors } = await importCsv(
			'customers',
			'external_id,email\nc1,a@example.com\nc2,"b@example.com"x\nc3,c@example.com\n'
		);
		expect(job.status).toBe('failed');
		expect(job.message).toMatch(/Stopped at line 3/);
		expect(errors[0].reason).toMatch(/quote/);
		const ids = await ctx.db.selectFrom('customers').select('external_id').execute();
		expect(ids.map((r) => r.external_id)).toEqual(['c1']);
	});

	it('rejects a 10 MB field and non-UTF-8 bytes row by row', async () => {
		const big = 'x'.repeat(10 * 1024 * 1024);
		const latin1 = Buffer.concat([
			Buffer.from('external_id,name\nc1,'),
			Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), // "Müller" in Latin-1
			Buffer.from(`\nc2,${big}\nc3,Fine\n`)
		]);
		const { job, errors } = await importCsv('customers', latin1);
		expect(job).toMatchObject({ status: 'done', created_count: 1, skipped_count: 2 });
		expect(errors.map((e) => e.row_number)).toEqual([2, 3]);
		expect(errors[0].reason).toMatch(/UTF-8/);
		expect(errors[1].reason).toMatch(/200 characters/);
	});

	it('imports orders for known customers and reports unknown ones', async () => {
		await importCsv('customers', 'external_id,email\nc1,a@example.com\n');
		const { job, errors } = await importCsv(
			'orders',
			'customer_id,order_id,status,amount,date\nc1,o1,completed,49.90,2026-03-01\nc9,o2,completed,10,2026-03-01\nc1,o3,lost,1,2026-03-01\nc1,o4,abandoned,,2026-03-02T10:00:00Z\n'
		);
		expect(job).toMatchObject({ status: 'done', created_count: 2, skipped_count: 2 });
		expect(errors.map((e) => e.reason).join(' ')).toMatch(/No customer.*Status must be/s);
		const orders = await ctx.db
			.selectFrom('orders')
			.select(['reference', 'amount'])
			.orderBy('reference')
			.execute();
		expect(orders).toEqual([
			{ reference: 'o1', amount: 49.9 },
			{ reference: 'o4', amount: 0 }
		]);
	});

	it('the API batch stores good rows and reports bad ones by index', async () => {
		const r = await upsertBatch(ctx.db, {
			customers: [
				{ external_id: 'a1', email: 'a1@example.com', attributes: { plan: 'pro', seats: 3 } },
				{ external_id: 'a2', email: 'nope' },
				{ external_id: 'a1', email: 'dup@example.com' },
				{ external_id: 'a3', attributes: { 'bad key': 1 } }
			]
		});
		expect(r).toMatchObject({ received: 4, created: 1, updated: 0 });
		expect(r.errors.map((e) => e.index)).toEqual([1, 2, 3]);
	});

	it('erases personal data and free text but keeps numeric answers; logs it', async () => {
		const [c] = await ctx.db
			.insertInto('customers')
			.values({
				external_id: 'x1',
				email: 'x@example.com',
				name: 'X',
				attributes: '{"a":1}' as never
			})
			.returning('id')
			.execute();
		const [survey] = await ctx.db
			.insertInto('surveys')
			.values({ title: 'S' })
			.returning('id')
			.execute();
		const [version] = await ctx.db
			.insertInto('survey_versions')
			.values({ survey_id: survey.id, number: 1, status: 'published', definition: '{}' as never })
			.returning('id')
			.execute();
		const question = (position: number, type: string) =>
			ctx.db
				.insertInto('questions')
				.values({
					version_id: version.id,
					lineage: `00000000-0000-4000-8000-00000000000${position}`,
					section_index: 0,
					position,
					type,
					prompt: type
				})
				.returning('id')
				.executeTakeFirstOrThrow();
		const [likert, comment] = [await question(1, 'likert'), await question(2, 'long_text')];
		const [response] = await ctx.db
			.insertInto('responses')
			.values({
				survey_id: survey.id,
				version_id: version.id,
				customer_id: c.id,
				status: 'complete'
			})
			.returning('id')
			.execute();
		await ctx.db
			.insertInto('answers')
			.values([
				{
					response_id: response.id,
					question_id: likert.id,
					lineage: '00000000-0000-4000-8000-000000000001',
					value: 4,
					score: 75
				},
				{
					response_id: response.id,
					question_id: comment.id,
					lineage: '00000000-0000-4000-8000-000000000002',
					text: 'I am X, call me'
				}
			])
			.execute();
		await customers.erase(ctx.db, c.id, null);
		const answers = await ctx.db.selectFrom('answers').select(['value', 'score', 'text']).execute();
		expect(answers).toEqual([{ value: 4, score: 75, text: null }]);
		const row = await ctx.db
			.selectFrom('customers')
			.selectAll()
			.where('id', '=', c.id)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({
			external_id: `erased-${c.id}`,
			email: null,
			name: '',
			attributes: {}
		});
		expect(row.erased_at).toBeInstanceOf(Date);
		const log = await ctx.db.selectFrom('audit_log').select('action').execute();
		expect(log.map((l) => l.action)).toContain('customer.erase');
	});
});
