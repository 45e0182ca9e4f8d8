// npm run bench: every benchmark in bench/ against PostgreSQL, one table, JSON in bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { BenchResult } from './types';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const only = process.argv.slice(2);

// name → module path; each exports run(databaseUrl): Promise<BenchResult>
const benchmarks: Record<string, string> = {
	P1: './load',
	P2: './trends',
	P3: './materialize',
	P4: './import',
	SEG: './segments'
};

const results: (BenchResult & { id: string; error?: string })[] = [];
for (const [id, path] of Object.entries(benchmarks)) {
	if (only.length && !only.includes(id)) continue;
	console.log(`\n▶ ${id} (${path}) …`);
	try {
		const mod = (await import(path)) as { run(url: string): Promise<BenchResult> };
		const r = await mod.run(databaseUrl);
		results.push({ id, ...r });
		console.log(
			`  ${r.pass ? 'pass' : 'FAIL'}: ratio ${r.ratio.toFixed(3)} (target ${r.targetLabel ?? r.target})`
		);
	} catch (e) {
		results.push({
			id,
			name: path,
			measuredMs: NaN,
			baselineMs: NaN,
			ratio: NaN,
			target: NaN,
			pass: false,
			error: (e as Error).message
		});
		console.log(`  error: ${(e as Error).message}`);
	}
}

// per-item times (P1: ms per response) need decimals; whole runs do not
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 0)} ms` : '—');
const rows = results.map((r) => ({
	benchmark: `${r.id} ${r.name}`,
	measured: ms(r.measuredMs),
	baseline: ms(r.baselineMs),
	ratio: Number.isFinite(r.ratio) ? r.ratio.toFixed(3) : '—',
	target:
		r.targetLabel ??
		(Number.isFinite(r.target) ? `${r.direction === 'min' ? '≥' : '≤'} ${r.target}` : '—'),
	result: r.error ? `error: ${r.error}` : r.pass ? 'pass' : 'FAIL'
}));
console.log();
console.table(rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
	new URL('./results/latest.json', import.meta.url),
	JSON.stringify(
		{
			at: new Date().toISOString(),
			databaseUrl: databaseUrl.replace(/\/\/[^@]*@/, '//…@'),
			results
		},
		null,
		2
	)
);
console.log('Written to bench/results/latest.json');
process.exit(results.every((r) => r.pass) ? 0 : 1);
