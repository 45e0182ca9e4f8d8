import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_init';
import * as m0002 from './0002_authoring';
import * as m0003 from './0003_customers';
import * as m0004 from './0004_scheduling';
import * as m0006 from './0006_results';
import * as m0007 from './0007_triggers';
import * as m0008 from './0008_reporting';
import * as m0009 from './0009_segment_counts';
import * as m0011 from './0011_rollup_queue';
import * as m0012 from './0012_completion_queue';

// Listed by hand so the same migrations load in the Vite build, in tsx scripts and in tests.
// Add each new migration here; never edit one that has landed.
export const migrations: Record<string, Migration> = {
	'0001_init': m0001,
	'0002_authoring': m0002,
	'0003_customers': m0003,
	'0004_scheduling': m0004,
	'0006_results': m0006,
	'0007_triggers': m0007,
	'0008_reporting': m0008,
	'0009_segment_counts': m0009,
	'0011_rollup_queue': m0011,
	'0012_completion_queue': m0012
};
