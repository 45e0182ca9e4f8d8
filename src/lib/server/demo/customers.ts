import type { DemoContext } from './context';

/** Demo customers: extended by the customers capability. */
export async function seed(_ctx: DemoContext): Promise<void> {}
