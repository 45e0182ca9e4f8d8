import type { DbOrTrx } from '../db';
import { sha256 } from '../crypto';

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
		.select([
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
		customerLocale: row.locale
	};
}
