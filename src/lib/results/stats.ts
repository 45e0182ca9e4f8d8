// Statistics for results, computed from sums (n, sum, sum of squares) so rollups suffice.
// Pure functions: used on the server and safe in the browser.

/** Below this many responses per wave a change is reported as "not enough responses". */
export const MIN_N = 30;

export interface Sums {
	n: number;
	sum: number;
	sumsq: number;
}

export interface Summary {
	n: number;
	mean: number | null;
	/** sample standard deviation (n − 1) */
	sd: number | null;
	/** 95% confidence interval of the mean (Student t) */
	ciLow: number | null;
	ciHigh: number | null;
}

/** Sample variance from sums; null below two observations. Clamped at 0 against rounding. */
export function variance(s: Sums): number | null {
	if (s.n < 2) return null;
	return Math.max(0, (s.sumsq - (s.sum * s.sum) / s.n) / (s.n - 1));
}

/** Mean, standard deviation and 95% CI from sums. */
export function summarize(s: Sums): Summary {
	if (s.n <= 0) return { n: 0, mean: null, sd: null, ciLow: null, ciHigh: null };
	const mean = s.sum / s.n;
	const v = variance(s);
	if (v === null) return { n: s.n, mean, sd: null, ciLow: null, ciHigh: null };
	const sd = Math.sqrt(v);
	const half = tCritical(s.n - 1) * (sd / Math.sqrt(s.n));
	return { n: s.n, mean, sd, ciLow: mean - half, ciHigh: mean + half };
}

function logGamma(x: number): number {
	// Lanczos approximation (g = 7, n = 9)
	const c = [
		0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
		-176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
		1.5056327351493116e-7
	];
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	x -= 1;
	let a = c[0];
	const t = x + 7.5;
	for (let i = 1; i < 9; i++) a += c[i] / (x + i);
	return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
	const tiny = 1e-300;
	let c = 1;
	let d = 1 - ((a + b) * x) / (a + 1);
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 300; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < 1e-14) break;
	}
	return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const front = Math.exp(
		logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)
	);
	if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
	return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with df degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
	if (!Number.isFinite(t)) return 0;
	return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The 97.5% quantile of Student's t (the 95% two-sided critical value), by bisection. */
export function tCritical(df: number): number {
	if (df <= 0) return Infinity;
	let lo = 0;
	let hi = 1000;
	for (let i = 0; i < 100; i++) {
		const mid = (lo + hi) / 2;
		if (tTwoSidedP(mid, df) > 0.05) lo = mid;
		else hi = mid;
	}
	return (lo + hi) / 2;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
	const x = Math.abs(z) / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * x);
	const erf =
		1 -
		((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
			t *
			Math.exp(-x * x);
	return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface TestResult {
	statistic: number;
	p: number;
	/** p < 0.05 */
	significant: boolean;
}

/** Welch's unequal-variance t-test of two means from sums; null if either side has n < 2. */
export function welch(a: Sums, b: Sums): (TestResult & { df: number }) | null {
	const va = variance(a);
	const vb = variance(b);
	if (va === null || vb === null) return null;
	const qa = va / a.n;
	const qb = vb / b.n;
	const se2 = qa + qb;
	const diff = b.sum / b.n - a.sum / a.n;
	if (se2 === 0) {
		// no spread on either side: any difference is certain, none is none
		return diff === 0
			? { statistic: 0, df: a.n + b.n - 2, p: 1, significant: false }
			: { statistic: Math.sign(diff) * Infinity, df: a.n + b.n - 2, p: 0, significant: true };
	}
	const t = diff / Math.sqrt(se2);
	const df = (se2 * se2) / ((qa * qa) / (a.n - 1) + (qb * qb) / (b.n - 1));
	const p = tTwoSidedP(t, df);
	return { statistic: t, df, p, significant: p < 0.05 };
}

/** Two-proportion z-test (pooled) of x1/n1 against x2/n2; null if either n is 0. */
export function twoProportion(x1: number, n1: number, x2: number, n2: number): TestResult | null {
	if (n1 <= 0 || n2 <= 0) return null;
	const pooled = (x1 + x2) / (n1 + n2);
	const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
	const diff = x2 / n2 - x1 / n1;
	if (se === 0) return { statistic: 0, p: 1, significant: false };
	const z = diff / se;
	const p = 2 * (1 - normalCdf(Math.abs(z)));
	return { statistic: z, p, significant: p < 0.05 };
}

export interface Change {
	/** current mean − previous mean, in score points */
	delta: number | null;
	direction: 'up' | 'down' | 'flat' | null;
	/** false when either wave has fewer than MIN_N responses */
	enough: boolean;
	significant: boolean;
	p: number | null;
	/** top-2-box share change (percentage points) and its z-test */
	top2Delta: number | null;
	top2Significant: boolean;
}

/** The change from one wave to the next with its significance (Welch on scores, z on top-2). */
export function change(
	prev: (Sums & { top2: number }) | null,
	cur: Sums & { top2: number },
	minN = MIN_N
): Change {
	if (!prev || prev.n === 0 || cur.n === 0)
		return {
			delta: null,
			direction: null,
			enough: false,
			significant: false,
			p: null,
			top2Delta: null,
			top2Significant: false
		};
	const delta = cur.sum / cur.n - prev.sum / prev.n;
	const direction = Math.abs(delta) < 0.05 ? 'flat' : delta > 0 ? 'up' : 'down';
	const top2Delta = ((cur.top2 / cur.n - prev.top2 / prev.n) * 100) as number;
	const enough = prev.n >= minN && cur.n >= minN;
	if (!enough)
		return {
			delta,
			direction,
			enough,
			significant: false,
			p: null,
			top2Delta,
			top2Significant: false
		};
	const t = welch(prev, cur);
	const z = twoProportion(prev.top2, prev.n, cur.top2, cur.n);
	return {
		delta,
		direction,
		enough,
		significant: t?.significant ?? false,
		p: t?.p ?? null,
		top2Delta,
		top2Significant: z?.significant ?? false
	};
}
