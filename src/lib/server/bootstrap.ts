import type { Config } from './config';
import type { Db } from './db';
import { migrateToLatest } from './db/migrate';
import { users } from './auth';
import { randomPassword } from './crypto';
import * as demo from './demo';
import { ensureDefaultTopics } from './topics/defaults';

export interface BootstrapResult {
	migrated: string[];
	/** set when this run created the first admin */
	admin?: { email: string; password: string; generated: boolean };
	demoLoaded: boolean;
}

/** Migrates, installs defaults, creates the first admin and loads the demo on an empty database. */
export async function bootstrap(
	db: Db,
	config: Pick<Config, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'DEMO'>,
	log: (m: string) => void = () => {}
): Promise<BootstrapResult> {
	const migrated = await migrateToLatest(db as never);
	await ensureDefaultTopics(db);
	const result: BootstrapResult = { migrated, demoLoaded: false };
	if ((await users.count(db)) === 0) {
		const email = config.ADMIN_EMAIL ?? 'admin@soundings.local';
		const generated = !config.ADMIN_PASSWORD;
		const password = config.ADMIN_PASSWORD ?? randomPassword();
		const admin = await users.create(db, { email, name: 'Admin', password, role: 'admin' });
		result.admin = { email, password, generated };
		if (config.DEMO === 'on') {
			await demo.seed(db, { adminId: admin.id, password, log });
			result.demoLoaded = true;
		}
	}
	return result;
}

/** The lines printed at start-up when the first admin was created. */
export function adminBanner(
	admin: NonNullable<BootstrapResult['admin']>,
	demoLoaded: boolean
): string {
	const lines = [
		'',
		'  ┌──────────────────────────────────────────────────────────────',
		'  │ Soundings: first admin created',
		`  │   e-mail:   ${admin.email}`,
		`  │   password: ${admin.generated ? admin.password : '(the ADMIN_PASSWORD you set)'}`
	];
	if (admin.generated)
		lines.push('  │   (shown once: keep it, or set ADMIN_PASSWORD before the first start)');
	if (demoLoaded) {
		lines.push('  │ Demo data loaded (remove it in Settings). Demo users, same password:');
		for (const u of demo.DEMO_USERS) lines.push(`  │   ${u.email} (${u.role})`);
	}
	lines.push('  └──────────────────────────────────────────────────────────────', '');
	return lines.join('\n');
}
