import type { Db, DbOrTrx } from '../db';
import * as ratelimit from '../ratelimit';
import { sha256 } from '../crypto';
import { lookUpToken, type ResponseRow } from '../scheduling/tokens';
import {
	latestPublishedVersionId,
	loadPublished,
	type PublishedVersion
} from '../surveys/published';

/** Failed token look-ups per IP (unknown, erased, malformed): probing is slowed, not helped. */
export const PROBE_LIMIT = { max: 30, windowSeconds: 600 };
/** New anonymous responses per IP through a public link. */
export const PUBLIC_START_LIMIT = { max: 20, windowSeconds: 3600 };

/** Who is answering: an invitation of a wave, or an anonymous browser on a public link. */
export interface Target {
	surveyId: number;
	surveyKind: 'periodic' | 'transactional';
	/** the survey's stored follow-up rule (null: the default), read with the link for the submit */
	followUpRule: unknown;
	versionId: number;
	invitationId: number | null;
	waveId: number | null;
	customerId: number | null;
	anonymous: boolean;
	browserKey: string | null;
	/** the respondent's locale for dates and numbers */
	locale: string;
	closesAt: Date | null;
	/** a non-secret key for drafts kept in the browser */
	draftKey: string;
}

export interface ResponseState {
	id: number;
	status: 'partial' | 'complete';
	currentSection: number;
	versionId: number;
	updatedAt: Date;
	completedAt: Date | null;
}

export type Access =
	| { kind: 'invalid' }
	| { kind: 'limited'; retryAfterSeconds: number }
	| { kind: 'closed'; title: string; language: string }
	| {
			kind: 'open';
			target: Target;
			version: PublishedVersion;
			response: ResponseState | null;
	  };

const probeKey = (ip: string) => `respond:probe:${ip}`;

async function probeFailed(db: DbOrTrx, ip: string, now: Date): Promise<Access> {
	await ratelimit.hit(db, probeKey(ip), PROBE_LIMIT, now);
	return { kind: 'invalid' };
}

function limitedFor(now: Date): Access {
	const windowMs = PROBE_LIMIT.windowSeconds * 1000;
	const retry = Math.ceil((windowMs - (now.getTime() % windowMs)) / 1000);
	return { kind: 'limited', retryAfterSeconds: retry };
}

async function limited(db: DbOrTrx, ip: string, now: Date): Promise<Access | null> {
	return (await ratelimit.isLimited(db, probeKey(ip), PROBE_LIMIT, now)) ? limitedFor(now) : null;
}

/** The response of an invitation or of a browser on a public link, if one was started. */
export async function findResponse(
	db: DbOrTrx,
	where: { invitationId: number } | { surveyId: number; browserKey: string }
): Promise<ResponseState | null> {
	let q = db
		.selectFrom('responses')
		.select(['id', 'status', 'current_section', 'version_id', 'updated_at', 'completed_at']);
	q =
		'invitationId' in where
			? q.where('invitation_id', '=', where.invitationId)
			: q.where('survey_id', '=', where.surveyId).where('browser_key', '=', where.browserKey);
	const row = await q.executeTakeFirst();
	return row ? toState(row) : null;
}

function toState(row: ResponseRow): ResponseState {
	return {
		id: row.id,
		status: row.status,
		currentSection: row.current_section,
		versionId: row.version_id,
		updatedAt: row.updated_at,
		completedAt: row.completed_at
	};
}

/**
 * Resolves a survey link's token. Unknown tokens, erased customers and surveys without a published
 * version all answer 'invalid' (uniformly) and count against the IP's probe limit. With `markOpened`
 * the invitation's opened_at is set the first time.
 */
export async function byToken(
	db: Db,
	token: string,
	opts: { ip: string; now: Date; markOpened?: boolean }
): Promise<Access> {
	// the IP's failed look-ups in the same statement (a limited IP learns nothing: the look-up's
	// answer is not used)
	const { invitation: inv, probeHits } = await lookUpToken(db, token, {
		key: probeKey(opts.ip),
		windowStart: ratelimit.windowStart(PROBE_LIMIT, opts.now)
	});
	if (probeHits >= PROBE_LIMIT.max) return limitedFor(opts.now);
	if (!inv || inv.customerErased || inv.versionId === null)
		return probeFailed(db, opts.ip, opts.now);
	const version = await loadPublished(db, inv.versionId, inv.version ?? undefined);
	if (!version) return probeFailed(db, opts.ip, opts.now);
	const response = inv.response && toState(inv.response);
	const closed =
		inv.waveStatus === 'closed' ||
		(inv.closesAt !== null && inv.closesAt.getTime() <= opts.now.getTime());
	if (closed && response?.status !== 'complete')
		return {
			kind: 'closed',
			title: version.definition.title,
			language: version.definition.language
		};
	if (opts.markOpened)
		await db
			.updateTable('invitations')
			.set({ opened_at: opts.now })
			.where('id', '=', inv.invitationId)
			.where('opened_at', 'is', null)
			.execute();
	return {
		kind: 'open',
		version,
		response,
		target: {
			surveyId: inv.surveyId,
			surveyKind: inv.surveyKind,
			followUpRule: inv.followUpRule,
			versionId: version.id,
			invitationId: inv.invitationId,
			waveId: inv.waveId,
			customerId: inv.customerId,
			anonymous: false,
			browserKey: null,
			locale: inv.customerLocale,
			closesAt: inv.closesAt,
			draftKey: sha256(`draft:${token}`).slice(0, 16)
		}
	};
}

/**
 * Resolves a public link: the survey must have public_enabled and a published version. The
 * browser key (a random cookie) identifies the one response this browser may give.
 */
export async function byPublicLink(
	db: Db,
	surveyId: number,
	browserKey: string | null,
	opts: { ip: string; now: Date; locale: string }
): Promise<Access> {
	const over = await limited(db, opts.ip, opts.now);
	if (over) return over;
	const survey = await db
		.selectFrom('surveys')
		.select(['id', 'kind', 'follow_up_rule'])
		.where('id', '=', surveyId)
		.where('public_enabled', '=', true)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	const response = browserKey ? await findResponse(db, { surveyId, browserKey }) : null;
	// a started response keeps the version it began with
	const versionId = survey
		? (response?.versionId ?? (await latestPublishedVersionId(db, survey.id)))
		: undefined;
	const version = versionId === undefined ? undefined : await loadPublished(db, versionId);
	if (!survey || !version) return probeFailed(db, opts.ip, opts.now);
	return {
		kind: 'open',
		version,
		response,
		target: {
			surveyId,
			surveyKind: survey.kind,
			followUpRule: survey.follow_up_rule,
			versionId: version.id,
			invitationId: null,
			waveId: null,
			customerId: null,
			anonymous: true,
			browserKey,
			locale: opts.locale,
			closesAt: null,
			draftKey: sha256(`draft:public:${surveyId}:${browserKey ?? ''}`).slice(0, 16)
		}
	};
}
