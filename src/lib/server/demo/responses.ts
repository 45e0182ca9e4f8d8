import type { DemoContext } from './context';

/** Demo responses: extended by the responses capability. */
export async function seed(_ctx: DemoContext): Promise<void> {}
