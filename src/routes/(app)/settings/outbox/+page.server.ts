import type { PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth';
import * as mail from '$lib/server/mail';
import * as runtime from '$lib/server/runtime';
import { config } from '$lib/server/config';

const PAGE = 50;
const STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

// Editors open the outbox: its messages carry live survey links, so viewers do not.
export const load: PageServerLoad = async (event) => {
	requireRole(event, 'editor');
	const params = event.url.searchParams;
	const page = Math.max(1, Math.floor(Number(params.get('page'))) || 1);
	const statusParam = params.get('status');
	const status = STATUSES.find((s) => s === statusParam);
	const q = (params.get('q') ?? '').trim().slice(0, 200);
	const db = runtime.db();
	const [list, counts] = await Promise.all([
		mail.list(db, { status, q: q || undefined, limit: PAGE, offset: (page - 1) * PAGE }),
		mail.counts(db)
	]);
	return {
		smtp: !!config().SMTP_URL,
		keptNote: mail.KEPT_NOTE,
		messages: list.items,
		total: list.total,
		counts,
		status: status ?? '',
		q,
		page,
		pages: Math.max(1, Math.ceil(list.total / PAGE))
	};
};
