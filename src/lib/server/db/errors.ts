/** The database cannot be reached or opened; the message says why and what to do. */
export class DatabaseUnavailableError extends Error {}
