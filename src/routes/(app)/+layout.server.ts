import type { LayoutServerLoad } from './$types';
import { requireUser } from '$lib/server/auth';

// Guards page loads only: every +page.server.ts action checks the role again itself.
export const load: LayoutServerLoad = (event) => {
	const user = requireUser(event);
	return { user: { id: user.id, email: user.email, name: user.name, role: user.role } };
};
