// The package registry reachable here lacks some other platforms' optional binaries (e.g.
// @rollup/rollup-darwin-arm64), so `npm install` leaves them out of package-lock.json and a later
// `npm ci` refuses the lock as out of sync. This adds the missing optional entries with their
// os/cpu/libc, which npm ci then skips on this platform. Run after `npm install`: `node scripts/fix-lock.js`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const OS = [
	'android',
	'darwin',
	'freebsd',
	'linux',
	'openbsd',
	'openharmony',
	'win32',
	'sunos',
	'aix',
	'netbsd'
];
const CPU = [
	'arm64',
	'arm',
	'x64',
	'ia32',
	'loong64',
	'ppc64',
	'riscv64',
	's390x',
	'mips64el',
	'wasm32'
];

let added = 0;
for (const [key, pkg] of Object.entries(lock.packages)) {
	for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
		const target = `node_modules/${name}`;
		if (lock.packages[target] || lock.packages[`${key}/${target}`]) continue;
		const parts = (name.split('/').pop() ?? name).split('-');
		/** @type {Record<string, unknown>} */
		const entry = { version, optional: true };
		if (pkg.dev) entry.dev = true;
		const os = parts.find((p) => OS.includes(p));
		const cpu = parts.find((p) => CPU.includes(p));
		if (os) entry.os = [os];
		if (cpu) entry.cpu = [cpu];
		if (parts.includes('musl') || parts.includes('musleabihf')) entry.libc = ['musl'];
		else if (os === 'linux') entry.libc = ['glibc'];
		lock.packages[target] = entry;
		added++;
	}
}
lock.packages = Object.fromEntries(
	Object.entries(lock.packages).sort(([a], [b]) =>
		a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)
	)
);
writeFileSync(path, JSON.stringify(lock, null, '\t') + '\n');
console.log(`fix-lock: added ${added} missing optional platform entries`);
