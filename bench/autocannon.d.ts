// The parts of autocannon's API the load benchmark uses (the package ships no types).
declare module 'autocannon' {
	namespace autocannon {
		interface Histogram {
			p50: number;
			p99: number;
			average: number;
		}
		interface Result {
			requests: { total: number; average: number };
			latency: Histogram;
			errors: number;
			timeouts: number;
			non2xx: number;
			'1xx': number;
			'2xx': number;
			'3xx': number;
			'4xx': number;
			'5xx': number;
		}
		interface Options {
			url: string;
			connections?: number;
			duration?: number;
			headers?: Record<string, string>;
			requests?: Record<string, unknown>[];
		}
	}
	function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
	export default autocannon;
}
