/** A safe download name: the survey title as a slug, the date, the extension. */
export function fileName(title: string, ext: string, at = new Date()): string {
	const slug =
		title
			.normalize('NFKD')
			.replace(/[^A-Za-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.toLowerCase()
			.slice(0, 60) || 'survey';
	return `${slug}-${at.toISOString().slice(0, 10)}.${ext}`;
}
