import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as responses from '$lib/server/responses';
import type { Db } from '$lib/server/db';
import { testDbKind, useTestDb } from '../helpers/db';
import { Q, createCustomers, createOpenWave, createPublishedSurvey } from '../helpers/fixtures';

const ctx = useTestDb();
const IP = '203.0.113.9';

/** A field name: known, unknown, malformed, or a known question with a made-up part. */
const key = fc.oneof(
	fc.constantFrom(...Object.values(Q).map((id) => `q.${id}`)),
	fc.constantFrom(`q.${Q.delivery}.speed`, `q.${Q.payment}.other`, 'section', 'shown'),
	fc.uuid().map((id) => `q.${id}`),
	fc
		.tuple(fc.constantFrom(...Object.values(Q)), fc.string({ maxLength: 20 }))
		.map(([id, part]) => `q.${id}.${part}`),
	fc.string({ maxLength: 40 }),
	fc.string({ maxLength: 300 }).map((s) => `q.${s}`)
);
const value = fc.oneof(
	fc.string({ maxLength: 50 }),
	fc.constantFrom('yes', 'no', '0', '5', '-1', '11', '1e309', 'NaN', '_other', 'card'),
	fc.integer().map(String),
	fc.double().map(String),
	fc.string({ minLength: 20_001, maxLength: 20_050 })
);
/** At least one entry that no valid page contains, on an always-visible question. */
const bad = fc.oneof(
	fc.constant<[string, string]>([`q.${Q.value}`, '6']),
	fc.constant<[string, string]>([`q.${Q.nps}`, '11']),
	fc.constant<[string, string]>([`q.${Q.satisfied}`, 'maybe']),
	fc.constant<[string, string]>([`q.${Q.delivery}.colour`, '3']),
	fc.constant<[string, string]>([`q.${Q.payment}`, 'bitcoin']),
	fc.constant<[string, string]>([`q.${Q.comment}`, 'x'.repeat(201)]),
	fc.uuid().map((id): [string, string] => [`q.${id}`, '1']),
	fc.constant<[string, string]>([`q.${Q.value}`, 'x'.repeat(25_000)])
);
/** A bad payload: a section (valid or not), random entries and a guaranteed-bad one. */
export const badPayload = fc.record({
	section: fc.oneof(fc.constantFrom('0', '1', '2'), fc.string({ maxLength: 5 })),
	entries: fc.array(fc.tuple(key, value), { maxLength: 12 }),
	poison: bad,
	intent: fc.constantFrom<responses.Intent>('next', 'back')
});

async function snapshot(db: Db) {
	return {
		responses: await db.selectFrom('responses').selectAll().execute(),
		answers: await db.selectFrom('answers').selectAll().orderBy('id').execute(),
		invitations: await db.selectFrom('invitations').selectAll().execute()
	};
}

describe(`fuzzing the page submit on ${testDbKind} (design R4)`, () => {
	it('refuses 10,000 generated bad payloads with a clear message and changes nothing', async () => {
		const survey = await createPublishedSurvey(ctx.db);
		const customers = await createCustomers(ctx.db, 1);
		const { tokens } = await createOpenWave(ctx.db, { ...survey, customerIds: customers });
		const access = (await responses.byToken(ctx.db, tokens[0], {
			ip: IP,
			now: new Date()
		})) as Extract<responses.Access, { kind: 'open' }>;
		await responses.start(ctx.db, access.target, { now: new Date(), ip: IP });
		// a first page saved properly, so the fuzz runs against a partial response
		const ok = new FormData();
		ok.set('section', '0');
		ok.set(`q.${Q.satisfied}`, 'yes');
		await responses.post(ctx.db, access, ok, 'next', { now: new Date(), ip: IP });
		const resumed = (await responses.byToken(ctx.db, tokens[0], {
			ip: IP,
			now: new Date()
		})) as Extract<responses.Access, { kind: 'open' }>;
		const before = await snapshot(ctx.db);
		let tampered = 0;
		let invalid = 0;
		await fc.assert(
			fc.asyncProperty(badPayload, async (p) => {
				const fd = new FormData();
				fd.set('section', p.section);
				// the poison goes last: for a repeated single-value field the last value counts
				const entries = [...p.entries, p.poison];
				for (const [k, v] of entries) fd.append(k, v);
				try {
					const r = await responses.post(ctx.db, resumed, fd, p.intent, {
						now: new Date(),
						ip: IP
					});
					expect(r.kind).toBe('invalid');
					if (r.kind === 'invalid') expect(Object.values(r.errors).length).toBeGreaterThan(0);
					invalid++;
				} catch (e) {
					expect(e).toBeInstanceOf(responses.TamperedFormError);
					expect((e as Error).message.length).toBeGreaterThan(10);
					tampered++;
				}
			}),
			{ numRuns: 10_000 }
		);
		expect(tampered + invalid).toBe(10_000);
		expect(invalid).toBeGreaterThan(100);
		expect(await snapshot(ctx.db)).toEqual(before);
	}, 600_000);
});
