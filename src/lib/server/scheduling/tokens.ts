import { sql } from 'kysely';
import type { DbOrTrx } from '../db';
import { sha256 } from '../crypto';

/** A started response as the respondent's pages need it. */
export interface ResponseRow {
	id: number;
	status: 'partial' | 'complete';
	current_section: number;
	version_id: number;
	updated_at: Date;
	completed_at: Date | null;
}

export interface InvitationForToken {
	invitationId: number;
	waveId: number;
	customerId: number;
	surveyId: number;
	versionId: number | null;
	waveStatus: 'scheduled' | 'materializing' | 'sending' | 'open' | 'closed';
	closesAt: Date | null;
	completedAt: Date | null;
	customerErased: boolean;
	customerName: string;
	customerLocale: string;
	surveyKind: 'periodic' | 'transactional';
	/** the survey's stored follow-up rule (null: the default rule) */
	followUpRule: unknown;
	/** the invitation's response, if one was started */
	response: ResponseRow | null;
	/** the wave's version row (null when the wave has none) */
	version: {
		id: number;
		survey_id: number;
		number: number;
		published_at: Date | null;
		status: string;
	} | null;
}

interface TokenRow {
	response_id: number | null;
	response_status: 'partial' | 'complete' | null;
	response_section: number | null;
	response_version_id: number | null;
	response_updated_at: Date | null;
	response_completed_at: Date | null;
	kind: 'periodic' | 'transactional';
	follow_up_rule: unknown;
	version_number: number | null;
	version_published_at: Date | null;
	version_status: string | null;
	invitation_id: number;
	wave_id: number;
	customer_id: number;
	completed_at: Date | null;
	survey_id: number;
	version_id: number | null;
	status: InvitationForToken['waveStatus'];
	closes_at: Date | null;
	erased_at: Date | null;
	name: string;
	locale: string;
}

const WELL_FORMED = /^[A-Za-z0-9_-]{22,128}$/;

type NoRow = { [K in keyof TokenRow]: null };

/** The one place a survey link's token is resolved (only its SHA-256 is stored). */
export async function findInvitationByToken(
	db: DbOrTrx,
	token: string
): Promise<InvitationForToken | undefined> {
	if (!WELL_FORMED.test(token)) return undefined;
	return (await lookUpToken(db, token)).invitation;
}

/**
 * Resolves a well-formed token and, in the same statement, reads a rate-limit counter (`probe`:
 * the respondent's IP's failed look-ups this window), so a respondent's request costs one round
 * trip. Written as SQL rather than with the query builder: it runs on every respondent request.
 */
export async function lookUpToken(
	db: DbOrTrx,
	token: string,
	probe?: { key: string; windowStart: Date }
): Promise<{ invitation: InvitationForToken | undefined; probeHits: number }> {
	// a malformed token matches nothing (null), but the counter is still read
	const hash = WELL_FORMED.test(token) ? sha256(token) : null;
	const { rows } = await sql<{ probe_hits: number } & (TokenRow | NoRow)>`
		select p.hits as probe_hits, x.* from (select coalesce((select hits from rate_limits
			where key = ${probe?.key ?? null}::text and window_start = ${probe?.windowStart ?? null}::timestamptz), 0)
			as hits) p
		left join lateral (
			select r.id as response_id, r.status as response_status, r.current_section as response_section,
				r.version_id as response_version_id, r.updated_at as response_updated_at,
				r.completed_at as response_completed_at, s.kind, s.follow_up_rule,
				v.number as version_number, v.published_at as version_published_at,
				v.status as version_status, i.id as invitation_id, i.wave_id, i.customer_id,
				i.completed_at, w.survey_id, w.version_id, w.status, w.closes_at, c.erased_at, c.name,
				c.locale
			from invitations i
			join waves w on w.id = i.wave_id
			join customers c on c.id = i.customer_id
			join surveys s on s.id = w.survey_id
			left join survey_versions v on v.id = w.version_id
			-- the response too (one per invitation): one round trip for the respondent's page
			left join responses r on r.invitation_id = i.id
			-- the first token lives on the invitation; reminders carry fresh ones (invitation_tokens)
			where i.token_hash = ${hash}::text
				or i.id = (select t.invitation_id from invitation_tokens t where t.token_hash = ${hash}::text)
		) x on true`.execute(db);
	const row = rows[0];
	return {
		invitation: row.invitation_id === null ? undefined : toInvitation(row),
		probeHits: Number(row.probe_hits)
	};
}

function toInvitation(row: TokenRow): InvitationForToken {
	return {
		invitationId: row.invitation_id,
		waveId: row.wave_id,
		customerId: row.customer_id,
		surveyId: row.survey_id,
		versionId: row.version_id,
		waveStatus: row.status,
		closesAt: row.closes_at,
		completedAt: row.completed_at,
		customerErased: row.erased_at !== null,
		customerName: row.name,
		customerLocale: row.locale,
		surveyKind: row.kind,
		followUpRule: row.follow_up_rule,
		response:
			row.response_id !== null &&
			row.response_status !== null &&
			row.response_section !== null &&
			row.response_version_id !== null &&
			row.response_updated_at !== null
				? {
						id: row.response_id,
						status: row.response_status,
						current_section: row.response_section,
						version_id: row.response_version_id,
						updated_at: row.response_updated_at,
						completed_at: row.response_completed_at
					}
				: null,
		version:
			row.version_id !== null && row.version_number !== null && row.version_status !== null
				? {
						id: row.version_id,
						survey_id: row.survey_id,
						number: row.version_number,
						published_at: row.version_published_at,
						status: row.version_status
					}
				: null
	};
}
