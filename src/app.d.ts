import type { User } from '$lib/server/auth/users';

declare global {
	namespace App {
		interface Error {
			message: string;
			id?: string;
		}
		interface Locals {
			user: User | null;
			sessionToken: string | null;
			/** the page's language (html lang); respondent pages set the survey's */
			lang: string;
		}
	}
}

export {};
