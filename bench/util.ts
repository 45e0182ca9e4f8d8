// Small helpers the benchmarks share.
import postgres from 'postgres';

/** The same server URL with another database name. */
export function dbUrl(base: string, name: string): string {
	const u = new URL(base);
	u.pathname = `/${name}`;
	return u.toString();
}

/** Milliseconds one call takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
	const t = performance.now();
	await fn();
	return performance.now() - t;
}

/** The median (the upper one of an even count). */
export function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/**
 * A new database on the server of `adminUrl` for one benchmark run (a left-over one of the same
 * name is dropped first); `drop` removes it unless BENCH_KEEP_DB is set (to inspect plans afterwards).
 */
export async function scratchDatabase(
	adminUrl: string,
	name: string
): Promise<{ url: string; drop: () => Promise<void> }> {
	const run = async (statement: string) => {
		const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
		try {
			await admin.unsafe(statement);
		} finally {
			await admin.end();
		}
	};
	await run(`drop database if exists ${name} with (force)`);
	await run(`create database ${name}`);
	return {
		url: dbUrl(adminUrl, name),
		drop: async () => {
			if (process.env.BENCH_KEEP_DB) console.error(`kept database ${name}`);
			else await run(`drop database if exists ${name} with (force)`);
		}
	};
}
