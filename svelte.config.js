import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// SOUNDINGS_OUT lets parallel builds (e2e runs, CI) use their own directories.
const out = process.env.SOUNDINGS_OUT;

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ out: out ? `${out}/build` : 'build' }),
		// the origin check runs in hooks.server.ts (src/lib/server/csrf.ts) so that the RFC 8058
		// one-click unsubscribe POST from mail providers (no Origin header) can reach /u/<token>
		csrf: { trustedOrigins: ['*'] },
		outDir: out ? `${out}/.svelte-kit` : '.svelte-kit',
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
