// Small helpers the benchmarks share.

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
