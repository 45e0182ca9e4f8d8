import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// SSRF guard for webhook URLs in production: the host is resolved and every address must be
// public. Delivery connects through a lookup that applies the same check, so a DNS answer that
// changes after the URL was saved (rebinding) cannot reach an internal address either.

const blocked = new BlockList();
for (const [net, prefix] of [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.0.2.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['198.51.100.0', 24],
	['203.0.113.0', 24],
	['224.0.0.0', 4],
	['240.0.0.0', 4]
] as const)
	blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
	['::', 128],
	['::1', 128],
	['fc00::', 7],
	['fe80::', 10],
	['ff00::', 8],
	['2001:db8::', 32],
	['64:ff9b::', 96]
] as const)
	blocked.addSubnet(net, prefix, 'ipv6');

export class UnsafeUrlError extends Error {}

/** Whether an IP address is loopback, private, link-local or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
	const kind = isIP(address);
	if (kind === 4) return blocked.check(address, 'ipv4');
	if (kind === 6) {
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
		if (mapped) return blocked.check(mapped[1], 'ipv4');
		return blocked.check(address, 'ipv6');
	}
	return true;
}

/** Throws UnsafeUrlError unless the URL is http(s) and (when strict) resolves to public addresses only. */
export async function assertSafeUrl(raw: string, strict: boolean): Promise<void> {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new UnsafeUrlError('Use an http:// or https:// URL.');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new UnsafeUrlError('Use an http:// or https:// URL.');
	if (url.username || url.password)
		throw new UnsafeUrlError('Put credentials in the receiver, not in the URL.');
	if (!strict) return;
	const host = url.hostname.replace(/^\[|\]$/g, '');
	let addresses: string[];
	try {
		addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
	} catch {
		throw new UnsafeUrlError(`The host ${host} cannot be resolved.`);
	}
	if (addresses.length === 0 || addresses.some(isPrivateAddress))
		throw new UnsafeUrlError(
			'This URL points to a loopback or private address; webhooks may only call public hosts.'
		);
}
