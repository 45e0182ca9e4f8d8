import type { DbOrTrx } from '../db';
import { json } from '../db/json';
import { randomToken, sha256 } from '../crypto';

// Share links: a read-only, redacted view of one survey's dashboard for people without an account.
// The raw token is shown once, to its author; the database keeps only its SHA-256, so a leaked
// database cannot be turned into working links.

export interface ShareLink {
	id: number;
	surveyId: number;
	label: string;
	hideFreeText: boolean;
	hiddenTopics: number[];
	hiddenQuestions: string[];
	expiresAt: Date | null;
	revokedAt: Date | null;
	createdAt: Date;
	createdBy: number | null;
	lastViewedAt: Date | null;
	viewCount: number;
}

export interface NewShareLink {
	surveyId: number;
	label?: string;
	hideFreeText: boolean;
	hiddenTopics?: number[];
	hiddenQuestions?: string[];
	expiresAt?: Date | null;
	createdBy: number | null;
}

/** The link was never valid (unknown token, or its survey is gone): answer 404. */
export class ShareLinkNotFoundError extends Error {}
/** The link existed but was revoked or has expired: answer 410. */
export class ShareLinkGoneError extends Error {}
export class SurveyNotFoundError extends Error {}

type Row = {
	id: number;
	survey_id: number;
	label: string;
	hide_free_text: boolean;
	hidden_topics: number[];
	hidden_questions: string[];
	expires_at: Date | null;
	revoked_at: Date | null;
	created_at: Date;
	created_by: number | null;
	last_viewed_at: Date | null;
	view_count: number;
};

function rowToLink(r: Row): ShareLink {
	return {
		id: r.id,
		surveyId: r.survey_id,
		label: r.label,
		hideFreeText: r.hide_free_text,
		hiddenTopics: r.hidden_topics ?? [],
		hiddenQuestions: r.hidden_questions ?? [],
		expiresAt: r.expires_at,
		revokedAt: r.revoked_at,
		createdAt: r.created_at,
		createdBy: r.created_by,
		lastViewedAt: r.last_viewed_at,
		viewCount: r.view_count
	};
}

const columns = [
	'id',
	'survey_id',
	'label',
	'hide_free_text',
	'hidden_topics',
	'hidden_questions',
	'expires_at',
	'revoked_at',
	'created_at',
	'created_by',
	'last_viewed_at',
	'view_count'
] as const;

/** Creates a link; returns it with its raw token (256 bits), which is never stored or shown again. */
export async function create(
	db: DbOrTrx,
	input: NewShareLink
): Promise<{ link: ShareLink; token: string }> {
	const survey = await db
		.selectFrom('surveys')
		.select('id')
		.where('id', '=', input.surveyId)
		.executeTakeFirst();
	if (!survey) throw new SurveyNotFoundError('That survey does not exist.');
	const token = randomToken(32);
	const row = await db
		.insertInto('share_links')
		.values({
			survey_id: input.surveyId,
			token_hash: sha256(token),
			label: (input.label ?? '').trim().slice(0, 200),
			hide_free_text: input.hideFreeText,
			hidden_topics: json([...new Set(input.hiddenTopics ?? [])]),
			hidden_questions: json([...new Set(input.hiddenQuestions ?? [])]),
			expires_at: input.expiresAt ?? null,
			created_by: input.createdBy
		})
		.returning(columns)
		.executeTakeFirstOrThrow();
	await db
		.insertInto('audit_log')
		.values({
			user_id: input.createdBy,
			action: 'share_link.create',
			entity: 'survey',
			entity_id: String(input.surveyId),
			details: json({ linkId: row.id, expiresAt: input.expiresAt?.toISOString() ?? null })
		})
		.execute();
	return { link: rowToLink(row as Row), token };
}

/** A survey's links, newest first (active and revoked). */
export async function list(db: DbOrTrx, surveyId: number): Promise<ShareLink[]> {
	const rows = await db
		.selectFrom('share_links')
		.select(columns)
		.where('survey_id', '=', surveyId)
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.execute();
	return rows.map((r) => rowToLink(r as Row));
}

/** Revokes a link of this survey (idempotent); false when there is no such link. */
export async function revoke(
	db: DbOrTrx,
	input: { surveyId: number; linkId: number; userId: number | null; now: Date }
): Promise<boolean> {
	const r = await db
		.updateTable('share_links')
		.set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(input.now)) }))
		.where('id', '=', input.linkId)
		.where('survey_id', '=', input.surveyId)
		.executeTakeFirst();
	if (Number(r.numUpdatedRows) === 0) return false;
	await db
		.insertInto('audit_log')
		.values({
			user_id: input.userId,
			action: 'share_link.revoke',
			entity: 'survey',
			entity_id: String(input.surveyId),
			details: json({ linkId: input.linkId })
		})
		.execute();
	return true;
}

/** Whether a link can be viewed at `now`. */
export function status(link: ShareLink, now: Date): 'active' | 'revoked' | 'expired' {
	if (link.revokedAt) return 'revoked';
	if (link.expiresAt && link.expiresAt.getTime() <= now.getTime()) return 'expired';
	return 'active';
}

/**
 * The link a raw token names, if it can be viewed now.
 * Throws ShareLinkNotFoundError (404) for an unknown token, ShareLinkGoneError (410) when revoked
 * or expired.
 */
export async function resolve(db: DbOrTrx, token: string, now: Date): Promise<ShareLink> {
	// a token is base64url of 32 bytes: anything else cannot be one, so skip the lookup
	if (!/^[A-Za-z0-9_-]{22,100}$/.test(token))
		throw new ShareLinkNotFoundError('No such share link.');
	const row = await db
		.selectFrom('share_links')
		.select(columns)
		.where('token_hash', '=', sha256(token))
		.executeTakeFirst();
	if (!row) throw new ShareLinkNotFoundError('No such share link.');
	const link = rowToLink(row as Row);
	const s = status(link, now);
	if (s !== 'active')
		throw new ShareLinkGoneError(
			s === 'revoked'
				? 'This share link has been revoked.'
				: 'This share link has expired. Ask its author for a new one.'
		);
	return link;
}

/** Logs one view (who cannot be known: a hashed IP and the user agent) and bumps the counter. */
export async function logView(
	db: DbOrTrx,
	link: ShareLink,
	view: { path: string; ip?: string | null; userAgent?: string | null; now: Date }
): Promise<void> {
	await db
		.insertInto('share_link_views')
		.values({
			link_id: link.id,
			at: view.now,
			path: view.path.slice(0, 500),
			// a salted hash: repeat visits are countable, the address is not recoverable
			ip_hash: view.ip ? sha256(`share-view:${link.id}:${view.ip}`).slice(0, 16) : null,
			user_agent: view.userAgent ? view.userAgent.slice(0, 300) : null
		})
		.execute();
	await db
		.updateTable('share_links')
		.set((eb) => ({ view_count: eb('view_count', '+', 1), last_viewed_at: view.now }))
		.where('id', '=', link.id)
		.execute();
}

export interface ShareView {
	at: Date;
	path: string;
	visitor: string | null;
	userAgent: string | null;
}

/** The most recent views of a link, for its author. */
export async function views(
	db: DbOrTrx,
	input: { surveyId: number; linkId: number; limit?: number }
): Promise<ShareView[]> {
	const rows = await db
		.selectFrom('share_link_views as v')
		.innerJoin('share_links as l', 'l.id', 'v.link_id')
		.select(['v.at', 'v.path', 'v.ip_hash', 'v.user_agent'])
		.where('l.id', '=', input.linkId)
		.where('l.survey_id', '=', input.surveyId)
		.orderBy('v.at', 'desc')
		.orderBy('v.id', 'desc')
		.limit(input.limit ?? 20)
		.execute();
	return rows.map((r) => ({
		at: r.at,
		path: r.path,
		visitor: r.ip_hash,
		userAgent: r.user_agent
	}));
}

export { redact, maskPersonalData } from './redact';
