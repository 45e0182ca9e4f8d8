// Progressive enhancement of the respondent's page (design P5: a few KB instead of a framework).
// The page works fully without it: the server evaluates display logic on every post. With it,
// questions show and hide as the respondent answers, and unsaved answers survive a reload.
// The logic functions mirror src/lib/survey/logic.ts; test/unit/respond-enhance.test.ts checks
// that both agree on generated answers.

/** @typedef {{ question: string, item?: string, op: string, value?: unknown }} Condition */
/** @typedef {{ mode: 'all' | 'any', conditions: Condition[] } | null} Logic */
/** @typedef {{ id: string, type: string, logic: Logic }} Q */
/** @typedef {{ logic: Logic, questions: Q[] }} Section */

/** @param {unknown} v */
function isAnswered(v) {
	if (v === undefined || v === null) return false;
	if (typeof v === 'string') return v.trim() !== '';
	if (Array.isArray(v)) return v.length > 0;
	if (typeof v === 'object') return Object.keys(v).length > 0;
	return true;
}

/** @param {Condition} c @param {Record<string, any>} answers */
export function conditionHolds(c, answers) {
	let value = answers[c.question];
	if (c.item !== undefined && value && typeof value === 'object' && !Array.isArray(value))
		value = value[c.item];
	const answered = isAnswered(value);
	if (c.op === 'answered') return answered;
	if (c.op === 'not_answered') return !answered;
	if (!answered || value === undefined) return false;
	const values = Array.isArray(value) ? value.map(String) : [String(value)];
	const wanted = Array.isArray(c.value) ? c.value.map(String) : [String(c.value)];
	const same = values.length === wanted.length && values.every((v) => wanted.includes(v));
	if (c.op === 'equals') return same;
	if (c.op === 'not_equals') return !same;
	if (c.op === 'any_of') return values.some((v) => wanted.includes(v));
	if (c.op === 'none_of') return !values.some((v) => wanted.includes(v));
	const n = Number(value);
	const m = Number(c.value);
	if (typeof value !== 'number' || Number.isNaN(m)) return false;
	if (c.op === 'lt') return n < m;
	if (c.op === 'lte') return n <= m;
	if (c.op === 'gt') return n > m;
	if (c.op === 'gte') return n >= m;
	return false;
}

/** @param {Logic} logic @param {Record<string, any>} answers */
export function logicHolds(logic, answers) {
	if (!logic) return true;
	const r = logic.conditions.map((c) => conditionHolds(c, answers));
	return logic.mode === 'any' ? r.some(Boolean) : r.every(Boolean);
}

/** The question ids that show, evaluated in order like visibleQuestions in logic.ts. */
/** @param {Section[]} sections @param {Record<string, any>} answers */
export function visibleQuestions(sections, answers) {
	/** @type {Record<string, any>} */
	const kept = {};
	for (const s of sections) {
		if (!logicHolds(s.logic, kept)) continue;
		for (const q of s.questions)
			if (logicHolds(q.logic, kept) && answers[q.id] !== undefined) kept[q.id] = answers[q.id];
	}
	const shown = new Set();
	for (const s of sections) {
		if (!logicHolds(s.logic, kept)) continue;
		for (const q of s.questions) if (logicHolds(q.logic, kept)) shown.add(q.id);
	}
	return shown;
}

const NUMERIC = ['likert', 'rating', 'nps', 'number'];

/** Reads this page's answers from the form, in the shape logic.ts expects. */
/** @param {HTMLFormElement} form @param {Q[]} questions */
function readAnswers(form, questions) {
	const data = new FormData(form);
	/** @type {Record<string, any>} */
	const out = {};
	for (const q of questions) {
		const name = `q.${q.id}`;
		if (q.type === 'matrix') {
			/** @type {Record<string, number>} */
			const m = {};
			for (const [k, v] of data)
				if (k.startsWith(`${name}.`) && v !== '') m[k.slice(name.length + 1)] = Number(v);
			if (Object.keys(m).length) out[q.id] = m;
		} else if (q.type === 'multiple') {
			const list = data.getAll(name).filter((v) => v !== '');
			if (list.length) out[q.id] = list;
		} else if (q.type === 'ranking') {
			const list = [];
			for (const [k, v] of data) if (k.startsWith(`${name}.rank`)) list.push(String(v));
			if (list.some((v) => v !== '')) out[q.id] = list;
		} else {
			const v = data.get(name);
			if (typeof v !== 'string' || v.trim() === '') continue;
			if (NUMERIC.includes(q.type)) out[q.id] = Number(v.replace(',', '.'));
			else if (q.type === 'yesno') out[q.id] = v === 'yes';
			else out[q.id] = v;
		}
	}
	return out;
}

/** @param {HTMLFormElement} form */
function enhance(form) {
	const config = JSON.parse(form.dataset.respond || '{}');
	/** @type {Section[]} */
	const sections = config.sections;
	const page = sections[config.section];
	const key = `soundings-draft:${config.draftKey}:${config.section}`;
	const status = form.querySelector('[data-saved]');
	const shownField = /** @type {HTMLInputElement | null} */ (form.querySelector('[name=shown]'));

	function update() {
		const answers = { ...config.answers, ...readAnswers(form, page.questions) };
		const shown = visibleQuestions(sections, answers);
		const ids = [];
		for (const q of page.questions) {
			const box = /** @type {HTMLElement | null} */ (
				form.querySelector(`[data-question="${q.id}"]`)
			);
			if (box) box.hidden = !shown.has(q.id);
			if (shown.has(q.id)) ids.push(q.id);
		}
		if (shownField) shownField.value = ids.join(',');
	}

	function entries() {
		const list = [];
		for (const [k, v] of new FormData(form)) if (k.startsWith('q.')) list.push([k, String(v)]);
		return list;
	}

	function restore() {
		let draft;
		try {
			draft = JSON.parse(sessionStorage.getItem(key) || 'null');
		} catch {
			return;
		}
		if (!draft) return;
		// a draft made before the last save is stale: the server's answers win
		if (draft.base !== config.savedAt) {
			sessionStorage.removeItem(key);
			return;
		}
		/** @type {Map<string, string[]>} */
		const values = new Map();
		for (const [k, v] of draft.entries) values.set(k, [...(values.get(k) || []), v]);
		for (const el of form.elements) {
			const input = /** @type {HTMLInputElement} */ (el);
			if (!input.name || !input.name.startsWith('q.')) continue;
			const wanted = values.get(input.name) || [];
			if (input.type === 'radio' || input.type === 'checkbox')
				input.checked = wanted.includes(input.value);
			else input.value = wanted[0] || '';
		}
		const note = document.getElementById('draft-restored');
		if (note) note.hidden = false;
		if (status) status.textContent = status.getAttribute('data-unsaved');
	}

	form.addEventListener('input', () => {
		update();
		if (status) status.textContent = status.getAttribute('data-unsaved');
		try {
			sessionStorage.setItem(key, JSON.stringify({ base: config.savedAt, entries: entries() }));
		} catch {
			// storage full or disabled: the answers are still in the form
		}
	});
	form.addEventListener('submit', () => {
		// a second click while the first post is on its way does nothing (the server is idempotent too)
		form.querySelectorAll('button').forEach((b) => b.setAttribute('aria-disabled', 'true'));
	});
	restore();
	update();
}

if (typeof document !== 'undefined') {
	const form = /** @type {HTMLFormElement | null} */ (document.querySelector('form[data-respond]'));
	if (form) enhance(form);
	const summary = document.getElementById('error-summary');
	if (summary) summary.focus();
}
