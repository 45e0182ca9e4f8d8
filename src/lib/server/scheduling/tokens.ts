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

/** The one place a survey link's token is resolved (only its SHA-256 is stored). */
export async function findInvitationByToken(
	db: DbOrTrx,
	token: string
): Promise<InvitationForToken | undefined> {
	if (!/^[A-Za-z0-9_-]{22,128}$/.test(token)) return undefined;
	const row = await db
		.selectFrom('invitations')
		.innerJoin('waves', 'waves.id', 'invitations.wave_id')
		.innerJoin('customers', 'customers.id', 'invitations.customer_id')
		.innerJoin('surveys', 'surveys.id', 'waves.survey_id')
		.leftJoin('survey_versions as v', 'v.id', 'waves.version_id')
		// one round trip for the respondent's page: the response too (one per invitation)
		.leftJoin('responses as r', 'r.invitation_id', 'invitations.id')
		.select([
			'r.id as response_id',
			'r.status as response_status',
			'r.current_section as response_section',
			'r.version_id as response_version_id',
			'r.updated_at as response_updated_at',
			'r.completed_at as response_completed_at',
			'surveys.kind',
			'surveys.follow_up_rule',
			'v.number as version_number',
			'v.published_at as version_published_at',
			'v.status as version_status',
			'invitations.id as invitation_id',
			'invitations.wave_id',
			'invitations.customer_id',
			'invitations.completed_at',
			'waves.survey_id',
			'waves.version_id',
			'waves.status',
			'waves.closes_at',
			'customers.erased_at',
			'customers.name',
			'customers.locale'
		])
		.where((eb) => {
			const hash = sha256(token);
			// the first token lives on the invitation; reminders carry fresh ones (invitation_tokens)
			return eb.or([
				eb('invitations.token_hash', '=', hash),
				eb(
					'invitations.id',
					'=',
					eb
						.selectFrom('invitation_tokens')
						.select('invitation_tokens.invitation_id')
						.where('invitation_tokens.token_hash', '=', hash)
				)
			]);
		})
		.executeTakeFirst();
	if (!row) return undefined;
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
