import { describe, expect, it } from 'vitest';
import { CompactStringSet } from '$lib/server/customers/seen';

describe('CompactStringSet (duplicate ids within an import file)', () => {
	it('reports each id once, exactly, across growth and non-ASCII ids', () => {
		const set = new CompactStringSet();
		const n = 50_000;
		for (let i = 0; i < n; i++) expect(set.add(`C${i}`)).toBe(true);
		for (let i = 0; i < n; i += 97) expect(set.add(`C${i}`)).toBe(false);
		expect(set.size).toBe(n);
		expect(set.has('C49999')).toBe(true);
		expect(set.has('C50000')).toBe(false);
		// prefixes, empty strings, long and multi-byte ids are told apart
		for (const id of ['', 'C1 ', 'c1', 'Ç1', 'Müller-Ø-😀', 'x'.repeat(5000), 'a\u0000b'])
			expect(set.add(id)).toBe(true);
		for (const id of ['', 'Ç1', 'Müller-Ø-😀', 'x'.repeat(5000), 'a\u0000b'])
			expect(set.add(id)).toBe(false);
		expect(set.has('x'.repeat(4999))).toBe(false);
		expect(set.size).toBe(n + 7);
	});
});
