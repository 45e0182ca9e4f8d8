import type { Definition, Question } from '$lib/schemas/survey';

/** One line of a version's changelog. */
export interface ChangeEntry {
	kind: 'added' | 'removed' | 'reworded' | 'moved' | 'settings' | 'survey';
	/** the question's lineage id (absent for survey-level changes) */
	lineage?: string;
	/** the prompt (the new one when reworded) */
	prompt: string;
	detail: string;
}

export interface Changelog {
	/** the version number compared against (null for the first version) */
	from: number | null;
	entries: ChangeEntry[];
}

const SURVEY_FIELDS = [
	['title', 'Title'],
	['language', 'Language'],
	['intro', 'Introduction'],
	['thankYou', 'Thank-you message']
] as const;

const SETTING_NAMES: Record<string, string> = {
	type: 'type',
	help: 'help text',
	required: 'required',
	topic: 'topic',
	scored: 'scored',
	logic: 'display logic',
	points: 'scale points',
	labels: 'scale labels',
	items: 'statements',
	style: 'style',
	max: 'maximum',
	min: 'minimum',
	lowLabel: 'low label',
	highLabel: 'high label',
	options: 'options',
	other: '"other" option',
	minPicks: 'minimum picks',
	maxPicks: 'maximum picks',
	yesLabel: 'yes label',
	noLabel: 'no label',
	integer: 'whole numbers',
	unit: 'unit',
	maxLength: 'maximum length'
};

function flat(def: Definition) {
	return def.sections.flatMap((s, sectionIndex) =>
		s.questions.map((q) => ({ q, sectionIndex, sectionId: s.id }))
	);
}

/** Lineage ids in both lists that keep their relative order (longest common subsequence). */
function stableOrder(a: string[], b: string[]): Set<string> {
	const n = a.length;
	const m = b.length;
	const dp = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
	for (let i = n - 1; i >= 0; i--)
		for (let j = m - 1; j >= 0; j--)
			dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
	const keep = new Set<string>();
	let i = 0;
	let j = 0;
	while (i < n && j < m) {
		if (a[i] === b[j]) {
			keep.add(a[i]);
			i++;
			j++;
		} else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
		else j++;
	}
	return keep;
}

function changedSettings(a: Question, b: Question): string[] {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	const out: string[] = [];
	for (const k of keys) {
		if (k === 'id' || k === 'prompt') continue;
		const x = (a as Record<string, unknown>)[k];
		const y = (b as Record<string, unknown>)[k];
		if (JSON.stringify(x ?? null) !== JSON.stringify(y ?? null)) out.push(SETTING_NAMES[k] ?? k);
	}
	return out;
}

/**
 * What changed between two versions: questions added, removed, reworded (same lineage, new
 * prompt), moved (page or order), settings changed; and survey-level texts.
 */
export function diff(
	before: Definition | null,
	after: Definition,
	fromNumber: number | null = null
): Changelog {
	const entries: ChangeEntry[] = [];
	if (!before) {
		const count = flat(after).length;
		entries.push({
			kind: 'survey',
			prompt: after.title,
			detail: `First version: ${count} question${count === 1 ? '' : 's'} on ${after.sections.length} page${after.sections.length === 1 ? '' : 's'}.`
		});
		return { from: null, entries };
	}
	for (const [key, name] of SURVEY_FIELDS) {
		if (before[key] !== after[key])
			entries.push({ kind: 'survey', prompt: after.title, detail: `${name} changed.` });
	}
	if (JSON.stringify(before.cta) !== JSON.stringify(after.cta))
		entries.push({ kind: 'survey', prompt: after.title, detail: 'Call-to-action link changed.' });
	const a = flat(before);
	const b = flat(after);
	const inA = new Map(a.map((x) => [x.q.id, x]));
	const inB = new Map(b.map((x) => [x.q.id, x]));
	const common = (list: typeof a, other: Map<string, unknown>) =>
		list.filter((x) => other.has(x.q.id)).map((x) => x.q.id);
	const stable = stableOrder(common(a, inB), common(b, inA));
	for (const x of b) {
		const old = inA.get(x.q.id);
		if (!old) {
			entries.push({
				kind: 'added',
				lineage: x.q.id,
				prompt: x.q.prompt,
				detail: `Added on page ${x.sectionIndex + 1}.`
			});
			continue;
		}
		if (old.q.prompt !== x.q.prompt)
			entries.push({
				kind: 'reworded',
				lineage: x.q.id,
				prompt: x.q.prompt,
				detail: `Was “${old.q.prompt}”.`
			});
		if (old.sectionId !== x.sectionId || !stable.has(x.q.id))
			entries.push({
				kind: 'moved',
				lineage: x.q.id,
				prompt: x.q.prompt,
				detail:
					old.sectionIndex !== x.sectionIndex
						? `Moved from page ${old.sectionIndex + 1} to page ${x.sectionIndex + 1}.`
						: `Moved within page ${x.sectionIndex + 1}.`
			});
		const settings = changedSettings(old.q, x.q);
		if (settings.length)
			entries.push({
				kind: 'settings',
				lineage: x.q.id,
				prompt: x.q.prompt,
				detail: `Changed: ${settings.join(', ')}.`
			});
	}
	for (const x of a) {
		if (!inB.has(x.q.id))
			entries.push({
				kind: 'removed',
				lineage: x.q.id,
				prompt: x.q.prompt,
				detail: `Removed from page ${x.sectionIndex + 1}.`
			});
	}
	return { from: fromNumber, entries };
}
