import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		buildDir: string;
	}
}

// E2E runs against the production build (kit's own practice). SOUNDINGS_OUT gives parallel runs
// their own output directory; E2E_SKIP_BUILD=1 reuses an existing build.
export default function setup(project: TestProject) {
	const out = resolve(process.env.SOUNDINGS_OUT ?? '.out/e2e');
	const entry = `${out}/build/index.js`;
	if (!(process.env.E2E_SKIP_BUILD === '1' && existsSync(entry))) {
		const r = spawnSync(
			process.execPath,
			['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'],
			{
				stdio: 'inherit',
				env: { ...process.env, SOUNDINGS_OUT: out }
			}
		);
		if (r.status !== 0) throw new Error('vite build failed');
	}
	project.provide('buildDir', `${out}/build`);
}
