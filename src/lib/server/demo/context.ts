import type { Db } from '../db';

/** What the demo seeders share: each later seeder reads what the earlier ones made. */
export interface DemoContext {
	db: Db;
	now: Date;
	adminId: number;
	/** the password of the demo users (the same one printed for the admin) */
	password: string;
	surveyIds: Record<string, number>;
	segmentIds: Record<string, number>;
	scheduleIds: Record<string, number>;
	/** the demo schedule's past waves, oldest first (the responses seeder answers them) */
	waveIds: number[];
	log: (message: string) => void;
}
