import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { DatabaseUnavailableError } from './errors';

// PGlite is single-process: two processes on one data directory corrupt it, so take a lock file.
export function lockDataDir(dir: string): () => void {
	const path = `${dir}/soundings.lock`;
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				try {
					unlinkSync(path);
				} catch {
					// already gone
				}
			};
			process.once('exit', release);
			return release;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			const pid = Number(readFileSync(path, 'utf8'));
			if (pid && pid !== process.pid && isAlive(pid)) {
				throw new DatabaseUnavailableError(
					`The embedded database in ${dir} is in use by process ${pid}. ` +
						'PGlite allows one process at a time: stop it first, or set DATABASE_URL to use PostgreSQL.'
				);
			}
			unlinkSync(path); // stale lock from a process that died
		}
	}
	throw new DatabaseUnavailableError(`Could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}
