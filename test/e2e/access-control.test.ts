import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, EDITOR, VIEWER, startApp, type RunningApp } from './harness';
import { listRoutes } from './routes';

// Design R5: every route and action × every kind of caller → allowed or denied as the table says.
// A route or action added to src/routes without an entry here fails the first test.

type Need = 'public' | 'token' | 'api' | 'viewer' | 'editor' | 'admin';
type Persona = 'anonymous' | 'viewer' | 'editor' | 'admin' | 'disabled';

interface Entry {
	/** a concrete path; {survey}, {customer}, {segment}, {schedule}, {topic}, {user} are filled from the demo */
	path: string;
	/** who may GET it (pages and GET endpoints) */
	get?: Need;
	/** who may POST each named action */
	actions?: Record<string, Need>;
	/** POST endpoint (+server.ts) */
	post?: Need;
}

const table: Record<string, Entry> = {
	'/': { path: '/', get: 'viewer' },
	'/customers': { path: '/customers', get: 'viewer' },
	'/customers/[id]': {
		path: '/customers/{customer}',
		get: 'viewer',
		actions: { unsubscribe: 'editor', resubscribe: 'editor', erase: 'admin' }
	},
	'/customers/[id]/export.json': { path: '/customers/{customer}/export.json', get: 'editor' },
	'/customers/import': { path: '/customers/import', get: 'editor', actions: { upload: 'editor' } },
	'/customers/import/[id]': {
		path: '/customers/import/999999',
		get: 'editor',
		actions: { confirm: 'editor', delimiter: 'editor' }
	},
	'/customers/import/[id]/report.csv': {
		path: '/customers/import/999999/report.csv',
		get: 'editor'
	},
	'/customers/import/upload': { path: '/customers/import/upload', post: 'editor' },
	'/profile': { path: '/profile', get: 'viewer', actions: { digest: 'viewer' } },
	'/reports': { path: '/reports', get: 'viewer' },
	'/reports/[surveyId]': {
		path: '/reports/{survey}',
		get: 'viewer',
		actions: {
			subscribe: 'viewer',
			subscribeOther: 'admin',
			unsubscribeOther: 'admin',
			share: 'editor',
			revoke: 'editor'
		}
	},
	'/reports/[surveyId]/print': { path: '/reports/{survey}/print', get: 'viewer' },
	'/reports/[surveyId]/report.pdf': { path: '/reports/{survey}/report.pdf', get: 'viewer' },
	'/reports/[surveyId]/report.xlsx': { path: '/reports/{survey}/report.xlsx', get: 'viewer' },
	'/results': { path: '/results', get: 'viewer' },
	'/results/[surveyId]': { path: '/results/{survey}', get: 'viewer' },
	'/results/[surveyId]/comments': {
		path: '/results/{survey}/comments',
		get: 'viewer',
		actions: { tag: 'editor', untag: 'editor' }
	},
	'/results/[surveyId]/export.csv': { path: '/results/{survey}/export.csv', get: 'viewer' },
	'/results/[surveyId]/follow-ups': {
		path: '/results/{survey}/follow-ups',
		get: 'viewer',
		actions: { update: 'editor' }
	},
	'/results/[surveyId]/questions/[lineage]': {
		path: '/results/{survey}/questions/00000000-0000-4000-8000-000000000000',
		get: 'viewer'
	},
	'/results/[surveyId]/responses/[responseId]': {
		path: '/results/{survey}/responses/999999',
		get: 'viewer'
	},
	'/results/[surveyId]/topics/[topicId]': {
		path: '/results/{survey}/topics/{topic}',
		get: 'viewer'
	},
	'/schedules': { path: '/schedules', get: 'viewer' },
	'/schedules/[id]': {
		path: '/schedules/{schedule}',
		get: 'viewer',
		actions: {
			sendNow: 'editor',
			testSend: 'editor',
			pause: 'editor',
			resume: 'editor',
			closeWave: 'editor',
			archive: 'editor'
		}
	},
	'/schedules/[id]/edit': {
		path: '/schedules/{schedule}/edit',
		get: 'editor',
		actions: { update: 'editor' }
	},
	'/schedules/new': { path: '/schedules/new', get: 'editor', actions: { create: 'editor' } },
	'/segments': { path: '/segments', get: 'viewer', actions: { cap: 'editor' } },
	'/segments/[id]': {
		path: '/segments/{segment}',
		get: 'viewer',
		actions: { build: 'editor', save: 'editor', rotate: 'editor', archive: 'editor' }
	},
	'/segments/new': {
		path: '/segments/new',
		get: 'editor',
		actions: { build: 'editor', save: 'editor' }
	},
	'/settings': { path: '/settings', get: 'viewer', actions: { removeDemo: 'admin' } },
	'/settings/api-keys': {
		path: '/settings/api-keys',
		get: 'admin',
		actions: { create: 'admin', revoke: 'admin' }
	},
	'/settings/outbox': { path: '/settings/outbox', get: 'editor' },
	'/settings/outbox/[id]': {
		path: '/settings/outbox/999999',
		get: 'editor',
		actions: { retry: 'editor' }
	},
	'/settings/topics': {
		path: '/settings/topics',
		get: 'viewer',
		actions: { add: 'editor', archive: 'editor' }
	},
	'/settings/topics/[id]': {
		path: '/settings/topics/{topic}',
		get: 'viewer',
		actions: { save: 'editor', archive: 'editor' }
	},
	'/settings/users': {
		path: '/settings/users',
		get: 'admin',
		actions: { create: 'admin', role: 'admin', disable: 'admin' }
	},
	'/settings/webhooks': {
		path: '/settings/webhooks',
		get: 'admin',
		actions: { create: 'admin', toggle: 'admin', remove: 'admin', test: 'admin', retry: 'admin' }
	},
	'/surveys': { path: '/surveys', get: 'viewer' },
	'/surveys/[id]': {
		path: '/surveys/{survey}',
		get: 'viewer',
		actions: {
			settings: 'editor',
			options: 'editor',
			addSection: 'editor',
			saveSection: 'editor',
			moveSection: 'editor',
			deleteSection: 'editor',
			addQuestion: 'editor',
			saveQuestion: 'editor',
			changeType: 'editor',
			duplicateQuestion: 'editor',
			deleteQuestion: 'editor',
			moveQuestion: 'editor',
			placeQuestion: 'editor',
			markNew: 'editor',
			undo: 'editor',
			publish: 'editor',
			newDraft: 'editor',
			discardDraft: 'editor',
			archive: 'editor',
			unarchive: 'editor',
			saveTemplate: 'editor'
		}
	},
	'/surveys/[id]/export': { path: '/surveys/{survey}/export', get: 'viewer' },
	'/surveys/[id]/preview': { path: '/surveys/{survey}/preview', get: 'viewer' },
	'/surveys/[id]/versions': { path: '/surveys/{survey}/versions', get: 'viewer' },
	'/surveys/new': {
		path: '/surveys/new',
		get: 'editor',
		actions: { blank: 'editor', template: 'editor', removeTemplate: 'editor', import: 'editor' }
	},
	'/triggers': { path: '/triggers', get: 'viewer', actions: { pause: 'editor' } },
	'/triggers/[id]': {
		path: '/triggers/{trigger}',
		get: 'viewer',
		actions: { pause: 'editor', archive: 'editor' }
	},
	'/triggers/[id]/edit': {
		path: '/triggers/{trigger}/edit',
		get: 'editor',
		actions: { save: 'editor' }
	},
	'/triggers/assignment': {
		path: '/triggers/assignment',
		get: 'editor',
		actions: { save: 'editor' }
	},
	'/triggers/new': { path: '/triggers/new', get: 'editor', actions: { save: 'editor' } },
	'/login': { path: '/login', get: 'public', actions: { default: 'public' } },
	'/logout': { path: '/logout', actions: { default: 'public' } },
	'/healthz': { path: '/healthz', get: 'public' },
	'/api/v1/customers': { path: '/api/v1/customers', post: 'api' },
	'/api/v1/events': { path: '/api/v1/events', post: 'api' },
	'/api/v1/surveys/[id]/responses': { path: '/api/v1/surveys/{survey}/responses', get: 'api' },
	'/s/[token]': {
		path: '/s/{token}',
		get: 'token',
		actions: { start: 'token', next: 'token', back: 'token' }
	},
	'/s/[token]/answer': {
		path: '/s/{token}/answer?v=yes',
		get: 'token',
		actions: { answer: 'token' }
	},
	'/s/public/[surveyId]': {
		path: '/s/public/{survey}',
		get: 'token',
		actions: { start: 'token', next: 'token', back: 'token' }
	},
	'/s/test-invitation': { path: '/s/test-invitation', post: 'token' },
	'/share/[token]': { path: '/share/{token}', get: 'token' },
	'/u/[token]': { path: '/u/{token}', get: 'token', actions: { default: 'token' } }
};

/** Actions with no input that would change the shared demo state for later checks. */
const skipAllowedPost = new Set([
	'/settings?/removeDemo',
	'/logout?/default',
	'/triggers/{trigger}?/archive',
	'/triggers/{trigger}?/pause',
	'/triggers?/pause',
	'/surveys/{survey}?/publish',
	'/surveys/{survey}?/newDraft',
	'/surveys/{survey}?/discardDraft',
	'/surveys/{survey}?/archive',
	'/surveys/{survey}?/unarchive',
	'/surveys/{survey}?/undo',
	'/schedules/{schedule}?/sendNow',
	'/schedules/{schedule}?/testSend',
	'/schedules/{schedule}?/pause',
	'/schedules/{schedule}?/resume',
	'/schedules/{schedule}?/closeWave',
	'/schedules/{schedule}?/archive',
	'/segments/{segment}?/rotate',
	'/segments/{segment}?/archive',
	'/customers/{customer}?/unsubscribe',
	'/customers/{customer}?/resubscribe',
	'/customers/{customer}?/erase'
]);

const rank: Record<Persona, number> = {
	anonymous: -1,
	disabled: -1,
	viewer: 0,
	editor: 1,
	admin: 2
};
const needRank: Record<string, number> = { viewer: 0, editor: 1, admin: 2 };

let app: RunningApp;
const cookies: Partial<Record<Persona, string>> = {};
const ids: Record<string, string> = {};

async function signInCookie(email: string, password: string): Promise<string> {
	const res = await fetch(`${app.url}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: app.url,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html'
		},
		body: new URLSearchParams({ email, password })
	});
	const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
	if (!cookie.startsWith('soundings_session='))
		throw new Error(`sign-in failed for ${email}: ${res.status}`);
	return cookie;
}

function request(path: string, persona: Persona, init: RequestInit = {}) {
	const headers = new Headers(init.headers);
	const cookie = cookies[persona];
	if (cookie) headers.set('cookie', cookie);
	return fetch(`${app.url}${path}`, { ...init, headers, redirect: 'manual' });
}

async function firstId(listPath: string, pattern: RegExp): Promise<string> {
	const html = await (await request(listPath, 'admin')).text();
	const m = html.match(pattern);
	return m ? m[1] : '999999';
}

function fill(path: string): string {
	return path.replace(/\{(\w+)\}/g, (_, k: string) => ids[k] ?? 'missing');
}

beforeAll(async () => {
	app = await startApp();
	cookies.admin = await signInCookie(ADMIN.email, ADMIN.password);
	cookies.editor = await signInCookie(EDITOR.email, EDITOR.password);
	cookies.viewer = await signInCookie(VIEWER.email, VIEWER.password);
	// a user who signs in and is then disabled by an admin
	const form = (body: Record<string, string>) => ({
		method: 'POST',
		headers: {
			origin: app.url,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html'
		},
		body: new URLSearchParams(body)
	});
	await request(
		'/settings/users?/create',
		'admin',
		form({ email: 'gone@e2e.test', role: 'editor', password: 'gone-user-password' })
	);
	cookies.disabled = await signInCookie('gone@e2e.test', 'gone-user-password');
	const usersHtml = await (await request('/settings/users', 'admin')).text();
	const goneId = usersHtml.match(/gone@e2e\.test[\s\S]*?name="id" value="(\d+)"/)?.[1];
	await request('/settings/users?/disable', 'admin', form({ id: goneId ?? '0', disabled: 'true' }));
	ids.survey = await firstId('/results', /href="\/results\/(\d+)"/);
	ids.customer = await firstId('/customers', /href="\/customers\/(\d+)"/);
	ids.segment = await firstId('/segments', /href="\/segments\/(\d+)"/);
	ids.schedule = await firstId('/schedules', /href="\/schedules\/(\d+)"/);
	ids.topic = await firstId('/settings/topics', /href="\/settings\/topics\/(\d+)"/);
	ids.trigger = await firstId('/triggers', /href="\/triggers\/(\d+)"/);
	ids.token = 'A'.repeat(43);
}, 180_000);

afterAll(async () => {
	await app?.stop();
});

describe('access control table (R5)', () => {
	it('has an entry for every route and every action in src/routes', () => {
		const missing: string[] = [];
		for (const r of listRoutes()) {
			const entry = table[r.id];
			if (!entry) {
				missing.push(r.id);
				continue;
			}
			for (const a of r.actions)
				if (!entry.actions?.[a] && !(a === 'default' && entry.actions?.default))
					missing.push(`${r.id}?/${a}`);
		}
		expect(missing).toEqual([]);
	});

	const personas: Persona[] = ['anonymous', 'disabled', 'viewer', 'editor', 'admin'];
	const seen: string[] = [];

	it('found real demo rows for every id in the table', () => {
		expect(Object.entries(ids).filter(([, v]) => v === '999999')).toEqual([]);
	});

	it('lets each role GET exactly the pages its role allows', async () => {
		const wrong: string[] = [];
		for (const [id, entry] of Object.entries(table)) {
			if (!entry.get || entry.get === 'public' || entry.get === 'token' || entry.get === 'api')
				continue;
			const path = fill(entry.path);
			for (const p of personas) {
				const res = await request(path, p, { headers: { accept: 'text/html' } });
				await res.arrayBuffer();
				const allowed = rank[p] >= needRank[entry.get];
				const toLogin =
					res.status === 303 && (res.headers.get('location') ?? '').startsWith('/login');
				const ok = allowed
					? res.status < 500 && res.status !== 403 && !toLogin
					: p === 'anonymous' || p === 'disabled'
						? toLogin
						: res.status === 403;
				if (!ok)
					wrong.push(
						`${p} GET ${path} (${id}) → ${res.status} ${res.headers.get('location') ?? ''}`
					);
			}
		}
		expect(wrong).toEqual([]);
		// every page that names a real row answers 200 to an admin (no silent 404 hiding a denial)
		const notOk = seen.filter(
			(l) => !l.startsWith('200 ') && !l.includes('999999') && !l.includes('00000000-0000')
		);
		expect(notOk).toEqual([]);
	});

	it('lets each role POST exactly the actions its role allows', async () => {
		const wrong: string[] = [];
		for (const [id, entry] of Object.entries(table)) {
			const path = fill(entry.path);
			const posts: [string, Need][] = Object.entries(entry.actions ?? {}).map(([a, need]) => [
				a === 'default' ? path : `${path}?/${a}`,
				need
			]);
			if (entry.post && entry.post !== 'api' && entry.post !== 'token')
				posts.push([path, entry.post]);
			for (const [target, need] of posts) {
				if (need === 'public' || need === 'token' || need === 'api') continue;
				for (const p of personas) {
					const allowed = rank[p] >= needRank[need];
					if (
						allowed &&
						skipAllowedPost.has(`${entry.path}?/${target.split('?/')[1] ?? 'default'}`)
					)
						continue;
					const res = await request(target, p, {
						method: 'POST',
						headers: {
							origin: app.url,
							'content-type': 'application/x-www-form-urlencoded',
							accept: 'text/html'
						},
						body: ''
					});
					await res.arrayBuffer();
					const toLogin =
						res.status === 303 && (res.headers.get('location') ?? '').startsWith('/login');
					const ok = allowed
						? res.status < 500 && res.status !== 403 && !toLogin
						: p === 'anonymous' || p === 'disabled'
							? toLogin || res.status === 401 || res.status === 403
							: res.status === 403;
					if (!ok) wrong.push(`${p} POST ${target} (${id}) → ${res.status}`);
				}
			}
		}
		expect(wrong).toEqual([]);
	});

	it('never accepts the session cookie on the JSON API: an API key is required', async () => {
		const wrong: string[] = [];
		for (const [id, entry] of Object.entries(table)) {
			if (entry.get !== 'api' && entry.post !== 'api') continue;
			const path = fill(entry.path);
			for (const p of ['anonymous', 'admin'] as Persona[]) {
				const res = await request(path, p, {
					method: entry.post === 'api' ? 'POST' : 'GET',
					headers: { 'content-type': 'application/json' },
					body: entry.post === 'api' ? '{}' : undefined
				});
				await res.arrayBuffer();
				if (res.status !== 401) wrong.push(`${p} ${path} (${id}) → ${res.status}`);
			}
			const bad = await fetch(`${app.url}${path}`, {
				method: entry.post === 'api' ? 'POST' : 'GET',
				headers: { authorization: 'Bearer not-a-real-key', 'content-type': 'application/json' },
				body: entry.post === 'api' ? '{}' : undefined
			});
			if (bad.status !== 401) wrong.push(`bad key ${path} → ${bad.status}`);
		}
		expect(wrong).toEqual([]);
	});

	it('answers unknown respondent, share and unsubscribe tokens uniformly, without a 5xx', async () => {
		const wrong: string[] = [];
		for (const path of ['/s/{token}', '/s/{token}/answer?v=yes', '/share/{token}', '/u/{token}']) {
			const answers = new Set<string>();
			for (const token of ['A'.repeat(43), 'B'.repeat(43)]) {
				const res = await fetch(`${app.url}${path.replace('{token}', token)}`, {
					redirect: 'manual'
				});
				const body = await res.text();
				if (res.status >= 500) wrong.push(`${path} → ${res.status}`);
				const shape = body.replaceAll(token, 'TOKEN').replace(/nonce-[^"']+/g, '').length;
				answers.add(`${res.status}:${shape}`);
			}
			if (answers.size !== 1)
				wrong.push(`${path}: the answer differs by token (${[...answers].join(', ')})`);
		}
		expect(wrong).toEqual([]);
	});

	it('signs a disabled user out at once', async () => {
		const res = await request('/', 'disabled');
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toContain('/login');
	});
});
