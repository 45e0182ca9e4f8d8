// npm start: build the app when the sources are newer than the build, then serve it.
// Runs on the pinned Node 24 (npm puts node_modules/.bin first on PATH).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const buildEntry = join(root, 'build', 'index.js');

/** @param {string} dir @returns {number} */
function newest(dir) {
	let t = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, entry.name);
		t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

const sources = Math.max(
	newest(join(root, 'src')),
	newest(join(root, 'migrations')),
	newest(join(root, 'static')),
	statSync(join(root, 'package-lock.json')).mtimeMs,
	statSync(join(root, 'svelte.config.js')).mtimeMs
);
if (!existsSync(buildEntry) || statSync(buildEntry).mtimeMs < sources) {
	console.log('Building Soundings (first start, or the sources changed)…');
	const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (r.status !== 0) process.exit(r.status ?? 1);
}

process.env.PORT ??= '3000';
// Without ORIGIN, adapter-node assumes https, which breaks sign-in over plain http on a laptop.
process.env.ORIGIN ??= `http://localhost:${process.env.PORT}`;
// Large CSV imports are uploaded as files; routes enforce their own smaller limits.
process.env.BODY_SIZE_LIMIT ??= '512M';
console.log(`Soundings on http://localhost:${process.env.PORT}`);
await import(buildEntry);
