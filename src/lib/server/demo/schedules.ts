import type { DemoContext } from './context';

/** Demo schedules: extended by the schedules capability. */
export async function seed(_ctx: DemoContext): Promise<void> {}
