import type { Trx } from '../db';

/**
 * Called by the responses domain inside the transaction that marks a response complete:
 * updates the rollups and opens a follow-up when an answer meets the survey's rule.
 * Implemented by the results capability.
 */
export async function onResponseCompleted(_trx: Trx, _responseId: number): Promise<void> {}
