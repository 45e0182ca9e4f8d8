// npm run seed: migrate, create the first admin if none, and load the demo data if not loaded.
import { adminBanner, bootstrap } from '../src/lib/server/bootstrap';
import { config } from '../src/lib/server/config';
import { users } from '../src/lib/server/auth';
import * as demo from '../src/lib/server/demo';
import { withDb } from './cli';

await withDb(async ({ db }) => {
	const result = await bootstrap(db, { ...config(), DEMO: 'on' }, console.log);
	if (result.admin) {
		console.log(adminBanner(result.admin, result.demoLoaded));
		return;
	}
	if (await demo.isLoaded(db)) {
		console.log('The demo data is already loaded.');
		return;
	}
	const admin = (await users.list(db, { limit: 1000 })).find((u) => u.role === 'admin');
	const password =
		config().ADMIN_PASSWORD ?? 'demo-password-' + Math.random().toString(36).slice(2, 10);
	await demo.seed(db, { adminId: admin!.id, password, log: console.log });
	console.log(`Demo data loaded. Demo users sign in with: ${password}`);
	for (const u of demo.DEMO_USERS) console.log(`  ${u.email} (${u.role})`);
});
