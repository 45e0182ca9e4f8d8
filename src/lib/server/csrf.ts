// SvelteKit's own origin check refuses every cross-site form POST, including the RFC 8058
// one-click unsubscribe POST that mail providers send without an Origin header. So the check is
// done here instead (svelte.config.js trusts '*' and leaves it to this), with the same answer,
// and one exception: /u/<token>, whose only effect is unsubscribing the token's owner.

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** A 403 for a cross-site form submission, or null when the request may proceed. */
export function refuseCrossSiteForm(request: Request, url: URL): Response | null {
	if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method)) return null;
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
	if (!FORM_TYPES.includes(type)) return null;
	if (request.headers.get('origin') === url.origin) return null;
	if (request.method === 'POST' && /^\/u\/[^/]+\/?$/.test(url.pathname)) return null;
	const message = `Cross-site ${request.method} form submissions are forbidden`;
	if (request.headers.get('accept') === 'application/json')
		return new Response(JSON.stringify({ message }), {
			status: 403,
			headers: { 'content-type': 'application/json' }
		});
	return new Response(message, { status: 403, headers: { 'content-type': 'text/plain' } });
}
