import type { TriggerCondition } from '$lib/schemas/triggers';

type Attributes = Record<string, string | number | boolean | null>;

/** Whether an event's attributes (and its reference, as `reference`) meet every condition. */
export function matches(
	conditions: TriggerCondition[],
	event: { attributes?: Attributes | null; reference?: string | null }
): boolean {
	const attrs: Attributes = { ...(event.attributes ?? {}) };
	if (event.reference) attrs.reference ??= event.reference;
	return conditions.every((c) => {
		const v = attrs[c.attribute];
		switch (c.op) {
			case 'exists':
				return v !== undefined && v !== null && v !== '';
			case 'equals':
				return v !== undefined && v !== null && String(v).toLowerCase() === c.value.toLowerCase();
			case 'not_equals':
				return v === undefined || v === null || String(v).toLowerCase() !== c.value.toLowerCase();
			case 'gt':
				return typeof v === 'number' ? v > Number(c.value) : Number(v) > Number(c.value);
			case 'lt':
				return typeof v === 'number' ? v < Number(c.value) : Number(v) < Number(c.value);
		}
	});
}

/** "plan is gold and amount is more than 100". */
export function describeConditions(conditions: TriggerCondition[]): string {
	const words = { equals: 'is', not_equals: 'is not', exists: 'is present', gt: '>', lt: '<' };
	return conditions
		.map((c) => `${c.attribute} ${words[c.op]}${c.op === 'exists' ? '' : ` ${c.value}`}`)
		.join(' and ');
}
