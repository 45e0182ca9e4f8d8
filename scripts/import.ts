// npm run import -- customers file.csv   |   npm run import -- orders file.csv
// Imports a CSV with the columns guessed from its header (as the browser's mapping step proposes),
// streaming it in batches; prints progress, the summary and the first rejected rows.
import { existsSync } from 'node:fs';
import { imports } from '../src/lib/server/customers';
import { migrateToLatest } from '../src/lib/server/db/migrate';
import { withDb } from './cli';

const [kind, file] = process.argv.slice(2);
if ((kind !== 'customers' && kind !== 'orders') || !file) {
	console.error('Usage: npm run import -- customers|orders <file.csv>');
	process.exit(2);
}
if (!existsSync(file)) {
	console.error(`No such file: ${file}`);
	process.exit(2);
}

await withDb(async ({ db }) => {
	await migrateToLatest(db as never);
	const started = Date.now();
	let last = 0;
	let job;
	try {
		job = await imports.importLocalFile(db, {
			kind,
			path: file,
			onProgress: (p) => {
				if (Date.now() - last < 1000) return;
				last = Date.now();
				const pct = p.totalBytes ? Math.floor((p.bytes / p.totalBytes) * 100) : 0;
				process.stderr.write(
					`\r${pct}% · ${p.rows} rows · ${p.created} created, ${p.updated} updated, ${p.skipped} skipped`
				);
			}
		});
	} catch (e) {
		if (e instanceof imports.MappingError) {
			console.error(`Cannot import ${file}: ${e.message}`);
			process.exit(1);
		}
		throw e;
	}
	process.stderr.write('\n');
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (job.status === 'failed') console.error(job.message);
	console.log(
		`${job.status === 'done' ? 'Imported' : 'Partly imported'} ${file} in ${seconds}s: ` +
			`${job.created_count} created, ${job.updated_count} updated, ${job.skipped_count} skipped (import #${job.id}).`
	);
	const errors = await imports.errorRows(db, job.id);
	for (const e of errors.slice(0, 20))
		console.log(`  row ${e.row_number}${e.column_name ? ` (${e.column_name})` : ''}: ${e.reason}`);
	if (errors.length > 20)
		console.log(`  … and ${job.skipped_count - 20} more; the full report is on the import's page.`);
	if (job.status === 'failed') process.exitCode = 1;
});
