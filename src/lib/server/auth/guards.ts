import { error, redirect } from '@sveltejs/kit';
import type { User } from './users';

export type Role = 'admin' | 'editor' | 'viewer';

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether a user's role includes the rights of role. */
export function can(user: Pick<User, 'role'> | null | undefined, role: Role): boolean {
	return !!user && rank[user.role] >= rank[role];
}

interface GuardEvent {
	locals: App.Locals;
	url: URL;
}

/** The signed-in user, or a redirect to the sign-in page that comes back here. */
export function requireUser(event: GuardEvent): User {
	const user = event.locals.user;
	if (!user) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/login?next=${encodeURIComponent(next)}`);
	}
	return user;
}

/** The signed-in user if their role includes role; 403 otherwise. Call in every load and action. */
export function requireRole(event: GuardEvent, role: Role): User {
	const user = requireUser(event);
	if (!can(user, role)) {
		error(403, {
			message:
				role === 'admin'
					? 'Only admins can do this.'
					: 'Your role is read-only: ask an admin for editor rights to make changes.'
		});
	}
	return user;
}
