import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_init';

// Listed by hand so the same migrations load in the Vite build, in tsx scripts and in tests.
// Add each new migration here; never edit one that has landed.
export const migrations: Record<string, Migration> = {
	'0001_init': m0001
};
