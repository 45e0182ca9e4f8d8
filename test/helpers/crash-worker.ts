// A worker process for the crash-restart test (design R2): it runs one step of the pipeline
// against PostgreSQL until the test kills it with SIGKILL.
// Usage: tsx test/helpers/crash-worker.ts <database-url> materialize|send <log-file>
import { appendFileSync } from 'node:fs';
import { openDb } from '../../src/lib/server/db';
import { ManualClock } from '../../src/lib/server/clock';
import * as mail from '../../src/lib/server/mail';
import { waves } from '../../src/lib/server/scheduling';

const [url, step, logFile] = process.argv.slice(2);
const at = new Date(process.env.CRASH_NOW ?? '2026-03-02T10:00:00Z');
const handle = await openDb({ url, poolSize: 2 });
console.log('ready');
if (step === 'materialize') {
	await waves.materializeDue(handle.db, at);
} else {
	// a slow transport that records every hand-over, so the test can count duplicates
	const transport: mail.Transport = {
		kind: 'kept',
		async send(m) {
			appendFileSync(logFile, m.messageId + '\n');
			await new Promise((r) => setTimeout(r, 2));
		},
		close() {}
	};
	const clock = new ManualClock(at);
	for (;;) await mail.sendDue(handle.db, clock, { transport, batch: 100 });
}
await handle.close();
