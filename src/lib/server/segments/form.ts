import {
	attributeConditionSchema,
	notInvitedConditionSchema,
	ordersConditionSchema,
	respondedConditionSchema,
	rulesSchema,
	MAX_CONDITIONS,
	MAX_DEPTH,
	type RuleGroup,
	type RuleNode
} from '../../schemas/segments';

// The rule builder works without JavaScript: the tree travels as form fields named by path
// ("r.type", "r.0.key", "r.1.0.value"…), buttons add or remove nodes by posting an intent, and the
// server re-renders the draft. These functions convert between fields, drafts and rules.

/** A rule node as edited: every value a string, nothing validated yet. */
export type DraftNode =
	| { path: string; type: 'group'; op: string; children: DraftNode[] }
	| { path: string; type: 'attribute'; key: string; op: string; value: string }
	| {
			path: string;
			type: 'orders';
			status: string;
			days: string;
			metric: string;
			op: string;
			value: string;
	  }
	| { path: string; type: 'not_invited'; days: string }
	| { path: string; type: 'responded'; surveyId: string; days: string };

export type ConditionType = 'attribute' | 'orders' | 'not_invited' | 'responded' | 'group';
const TYPES: ConditionType[] = ['attribute', 'orders', 'not_invited', 'responded', 'group'];

/** A fresh node of a type, at a path. */
export function blank(type: ConditionType, path: string): DraftNode {
	switch (type) {
		case 'group':
			return { path, type, op: 'or', children: [] };
		case 'attribute':
			return { path, type, key: '', op: 'equals', value: '' };
		case 'orders':
			return {
				path,
				type,
				status: 'completed',
				days: '90',
				metric: 'count',
				op: 'at_least',
				value: '1'
			};
		case 'not_invited':
			return { path, type, days: '90' };
		case 'responded':
			return { path, type, surveyId: '', days: '' };
	}
}

/** Reads the draft tree from posted fields (lenient: unknown types are dropped). */
export function draftFromForm(values: Record<string, string>, path = 'r', depth = 1): DraftNode {
	const get = (f: string) => (values[`${path}.${f}`] ?? '').slice(0, 500);
	const type = (path === 'r' ? 'group' : get('type')) as ConditionType;
	if (type === 'group' || !TYPES.includes(type)) {
		const children: DraftNode[] = [];
		if (depth <= MAX_DEPTH + 1) {
			for (let i = 0; i < MAX_CONDITIONS + 10; i++) {
				const child = `${path}.${i}`;
				if (TYPES.includes(values[`${child}.type`] as ConditionType))
					children.push(draftFromForm(values, child, depth + 1));
			}
		}
		return renumber({ path, type: 'group', op: get('op') === 'or' ? 'or' : 'and', children }, path);
	}
	switch (type) {
		case 'attribute':
			return { path, type, key: get('key'), op: get('op'), value: get('value') };
		case 'orders':
			return {
				path,
				type,
				status: get('status'),
				days: get('days'),
				metric: get('metric'),
				op: get('op'),
				value: get('value')
			};
		case 'not_invited':
			return { path, type, days: get('days') };
		case 'responded':
			return { path, type, surveyId: get('surveyId'), days: get('days') };
	}
}

/** Gives every node its path again (after adding or removing children). */
function renumber(node: DraftNode, path: string): DraftNode {
	if (node.type !== 'group') return { ...node, path };
	return {
		...node,
		path,
		children: node.children.map((c, i) => renumber(c, `${path}.${i}`))
	};
}

/** The draft of saved rules. */
export function draftFromRules(node: RuleNode, path = 'r'): DraftNode {
	switch (node.type) {
		case 'group':
			return {
				path,
				type: 'group',
				op: node.op,
				children: node.children.map((c, i) => draftFromRules(c, `${path}.${i}`))
			};
		case 'attribute':
			return { path, type: 'attribute', key: node.key, op: node.op, value: node.value };
		case 'orders':
			return {
				path,
				type: 'orders',
				status: node.status,
				days: node.days === null ? '' : String(node.days),
				metric: node.metric,
				op: node.op,
				value: String(node.value)
			};
		case 'not_invited':
			return { path, type: 'not_invited', days: String(node.days) };
		case 'responded':
			return {
				path,
				type: 'responded',
				surveyId: String(node.surveyId),
				days: node.days === null ? '' : String(node.days)
			};
	}
}

/** Applies a builder button: "add:<type>:<path>" or "remove:<path>". Unknown intents do nothing. */
export function applyIntent(root: DraftNode, intent: string): DraftNode {
	const [action, a, b] = intent.split(':');
	const edit = (node: DraftNode, depth: number): DraftNode | null => {
		if (action === 'remove' && node.path === a && node.path !== 'r') return null;
		if (node.type !== 'group') return node;
		let children = node.children
			.map((c) => edit(c, depth + 1))
			.filter((c): c is DraftNode => c !== null);
		if (action === 'add' && node.path === b && TYPES.includes(a as ConditionType)) {
			if (a !== 'group' || depth < MAX_DEPTH)
				children = [...children, blank(a as ConditionType, `${node.path}.${children.length}`)];
		}
		return { ...node, children };
	};
	return renumber(edit(root, 1) ?? root, 'r');
}

const nullableDays = (v: string) => (v.trim() === '' ? null : v);

/** Validates a draft: the rules, or errors keyed by field name ("r.0.value"). */
export function rulesFromDraft(
	root: DraftNode
): { ok: true; rules: RuleGroup } | { ok: false; errors: Record<string, string> } {
	const errors: Record<string, string> = {};
	const walk = (node: DraftNode): RuleNode | null => {
		const report = (issues: { path: PropertyKey[]; message: string }[]) => {
			for (const i of issues) errors[`${node.path}.${String(i.path[0] ?? 'type')}`] ??= i.message;
			return null;
		};
		switch (node.type) {
			case 'group': {
				const children = node.children.map(walk);
				if (children.some((c) => c === null)) return null;
				return {
					type: 'group',
					op: node.op === 'or' ? 'or' : 'and',
					children: children as RuleNode[]
				};
			}
			case 'attribute': {
				const r = attributeConditionSchema.safeParse({ ...node, path: undefined });
				return r.success ? r.data : report(r.error.issues);
			}
			case 'orders': {
				const r = ordersConditionSchema.safeParse({
					...node,
					days: nullableDays(node.days),
					value: node.value.trim() === '' ? undefined : node.value
				});
				return r.success ? r.data : report(r.error.issues);
			}
			case 'not_invited': {
				const r = notInvitedConditionSchema.safeParse(node);
				return r.success ? r.data : report(r.error.issues);
			}
			case 'responded': {
				const r = respondedConditionSchema.safeParse({ ...node, days: nullableDays(node.days) });
				return r.success ? r.data : report(r.error.issues);
			}
		}
	};
	const tree = walk(root);
	if (!tree || Object.keys(errors).length) return { ok: false, errors };
	const whole = rulesSchema.safeParse(tree);
	if (!whole.success) return { ok: false, errors: { rules: whole.error.issues[0].message } };
	return { ok: true, rules: whole.data };
}
