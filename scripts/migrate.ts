// npm run migrate [-- --down]: apply pending migrations, or revert the last one.
import { migrateDown, migrateToLatest } from '../src/lib/server/db/migrate';
import { withDb } from './cli';

await withDb(async ({ db }) => {
	if (process.argv.includes('--down')) {
		const names = await migrateDown(db as never);
		console.log(names.length ? `Reverted ${names.join(', ')}` : 'Nothing to revert.');
	} else {
		const names = await migrateToLatest(db as never);
		console.log(names.length ? `Applied ${names.join(', ')}` : 'The database is up to date.');
	}
});
