import { error, json, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import { requireRole } from '$lib/server/auth';
import * as customers from '$lib/server/customers';
import * as runtime from '$lib/server/runtime';

/** Right of access: everything Soundings holds about one customer, as a JSON download. */
export const GET: RequestHandler = async (event) => {
	const user = requireRole(event, 'editor');
	const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(event.params.id);
	if (!id.success) error(404, 'We could not find that customer.');
	try {
		const data = await customers.exportData(runtime.db(), id.data, user.id);
		return json(data, {
			headers: {
				'content-disposition': `attachment; filename="customer-${id.data}.json"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		if (e instanceof customers.CustomerNotFoundError) error(404, e.message);
		throw e;
	}
};
