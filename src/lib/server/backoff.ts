// Retry delays for the outbox-style queues (mail, webhooks): one formula, each queue its own cap.

/** Delay before try `attempt + 1`: `baseMs`, 2 × `baseMs`, 4 × `baseMs` … capped at `capMs`. */
export function exponentialBackoffMs(attempt: number, capMs: number, baseMs = 30_000): number {
	return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
