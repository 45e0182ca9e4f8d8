import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface RouteFile {
	/** the URL pattern, groups removed: /surveys/[id] */
	id: string;
	page: boolean;
	endpoint: boolean;
	/** named form actions of +page.server.ts ('default' for a default action) */
	actions: string[];
	/** HTTP methods exported by +server.ts */
	methods: string[];
}

/** Every route of the app, read from src/routes, so a new route cannot escape the access table. */
export function listRoutes(root = 'src/routes'): RouteFile[] {
	const out: RouteFile[] = [];
	const walk = (dir: string) => {
		const files = readdirSync(dir);
		const page = files.includes('+page.svelte');
		const endpoint = files.includes('+server.ts');
		if (page || endpoint) {
			const rel = relative(root, dir)
				.split('/')
				.filter((s) => s && !/^\(.*\)$/.test(s));
			const id = '/' + rel.join('/');
			let actions: string[] = [];
			if (files.includes('+page.server.ts'))
				actions = actionNames(readFileSync(join(dir, '+page.server.ts'), 'utf8'));
			let methods: string[] = [];
			if (endpoint) {
				const src = readFileSync(join(dir, '+server.ts'), 'utf8');
				methods = [
					...src.matchAll(
						/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g
					)
				].map((m) => m[1]);
			}
			out.push({ id, page, endpoint, actions, methods });
		}
		for (const f of files) {
			const p = join(dir, f);
			if (statSync(p).isDirectory()) walk(p);
		}
	};
	walk(root);
	return out.sort((a, b) => a.id.localeCompare(b.id));
}

function actionNames(src: string): string[] {
	const start = src.search(/export const actions\s*(?::[^=]+)?=\s*\{/);
	if (start < 0) return [];
	const body = src.slice(start);
	const names = new Set<string>();
	// top-level keys of the actions object: one tab of indentation
	for (const m of body.matchAll(/^\t([A-Za-z_][A-Za-z0-9_]*)\s*(?::|\()/gm)) names.add(m[1]);
	for (const m of body.matchAll(/^\t([A-Za-z_][A-Za-z0-9_]*),?$/gm)) names.add(m[1]);
	return [...names];
}
