/** A DOM id from a form field name (and an optional part), safe in ids and URL fragments. */
export function domId(name: string, part?: string): string {
	const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');
	return `f-${clean(name)}${part === undefined ? '' : `-${clean(part)}`}`;
}
