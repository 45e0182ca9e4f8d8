/** Time comes from a clock so tests and simulations can run a year in seconds. */
export interface Clock {
	now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
	constructor(private current: Date) {}
	now(): Date {
		return new Date(this.current);
	}
	set(at: Date | string): void {
		this.current = new Date(at);
	}
	advance(ms: number): void {
		this.current = new Date(this.current.getTime() + ms);
	}
}
