import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPrivateAddress, UnsafeUrlError } from './ssrf';

/** Resolves like dns.lookup but refuses private and loopback answers (SSRF, DNS rebinding). */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
	dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
		if (err) return callback(err, '', 4);
		const bad = addresses.find((a) => isPrivateAddress(a.address));
		if (bad || addresses.length === 0)
			return callback(
				new UnsafeUrlError(
					`${hostname} resolves to a private or loopback address (${bad?.address}).`
				),
				'',
				4
			);
		if (options.all)
			return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
		callback(null, addresses[0].address, addresses[0].family);
	});
};

/** POSTs a body; resolves with the status and the start of the response body. */
export function post(
	url: string,
	body: string,
	headers: Record<string, string>,
	opts: { strict: boolean; timeoutMs: number }
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const host = u.hostname.replace(/^\[|\]$/g, '');
		if (opts.strict && isIP(host) && isPrivateAddress(host))
			return reject(new UnsafeUrlError(`${host} is a private or loopback address.`));
		const mod = u.protocol === 'https:' ? https : http;
		const req = mod.request(
			u,
			{
				method: 'POST',
				headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
				timeout: opts.timeoutMs,
				...(opts.strict ? { lookup: publicOnlyLookup } : {})
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => {
					if (text.length < 2000) text += chunk;
				});
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.slice(0, 2000) }));
				res.on('error', reject);
			}
		);
		req.on('timeout', () => req.destroy(new Error(`No answer within ${opts.timeoutMs / 1000} s.`)));
		req.on('error', reject);
		req.end(body);
	});
}
