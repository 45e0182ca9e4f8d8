import type { DemoContext } from './context';

/** Demo surveys: extended by the surveys capability. */
export async function seed(_ctx: DemoContext): Promise<void> {}
