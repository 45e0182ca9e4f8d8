import { existsSync } from 'node:fs';

// PDF reports: headless Chromium (playwright-core driving the system's Chromium) prints the
// print-styled report route of this very app. The real browser engine renders the same HTML, CSS
// and SVG charts the dashboard uses, and paginates for A4 or Letter (docs/decisions.md).

export type PaperFormat = 'A4' | 'Letter';

export class PdfUnavailableError extends Error {}
export class PdfRenderError extends Error {}

/** The Chromium executable, when one is installed (CHROMIUM_PATH, else Debian's /usr/bin/chromium). */
export function browserPath(): string | null {
	// an explicit CHROMIUM_PATH is the only candidate (so it can also switch PDFs off)
	const explicit = process.env.CHROMIUM_PATH;
	const candidates = explicit ? [explicit] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
	for (const c of candidates) if (existsSync(c)) return c;
	return null;
}

/** Whether PDF reports can be made on this server; the download option says so when not. */
export function available(): boolean {
	return browserPath() !== null;
}

/**
 * The origin the headless browser loads the print page from: this server itself (loopback on PORT
 * under adapter-node), so the PDF never depends on the public URL being reachable from inside.
 */
export function printOrigin(requestOrigin: string): string {
	if (process.env.PRINT_ORIGIN) return process.env.PRINT_ORIGIN.replace(/\/+$/, '');
	const port = process.env.PORT;
	if (!port) return requestOrigin;
	const host = process.env.HOST;
	const loopback = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
	return `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`;
}

export interface RenderInput {
	/** the print page, absolute */
	url: string;
	/** cookies the page needs (the requesting user's session) */
	cookies: { name: string; value: string }[];
	format: PaperFormat;
	title: string;
	timeoutMs?: number;
}

/** Prints the page to PDF; waits until the page marks itself ready (charts drawn). */
export async function render(input: RenderInput): Promise<Buffer> {
	const executablePath = browserPath();
	if (!executablePath)
		throw new PdfUnavailableError(
			'PDF reports need Chromium on the server, and none is installed (set CHROMIUM_PATH).'
		);
	// loaded on demand: the browser driver is only needed here
	const { chromium } = await import('playwright-core');
	const timeout = input.timeoutMs ?? 30_000;
	let browser;
	try {
		browser = await chromium.launch({
			executablePath,
			headless: true,
			timeout,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-dev-shm-usage'
			]
		});
	} catch (e) {
		throw new PdfUnavailableError(`Chromium could not start: ${(e as Error).message}`);
	}
	try {
		const context = await browser.newContext();
		const origin = new URL(input.url).origin;
		if (input.cookies.length)
			await context.addCookies(input.cookies.map((c) => ({ ...c, url: origin })));
		const page = await context.newPage();
		page.setDefaultTimeout(timeout);
		const res = await page.goto(input.url, { waitUntil: 'load' });
		if (!res || !res.ok())
			throw new PdfRenderError(`The print page answered ${res?.status() ?? 'nothing'}.`);
		await page.waitForSelector('[data-report-ready="true"]', { state: 'attached' });
		await page.emulateMedia({ media: 'print' });
		const footer =
			'<div style="font-size:8px;width:100%;padding:0 12mm;color:#6b7280;display:flex;justify-content:space-between">' +
			`<span>${escape(input.title)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
		return await page.pdf({
			format: input.format,
			printBackground: true,
			displayHeaderFooter: true,
			headerTemplate: '<div></div>',
			footerTemplate: footer,
			margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' }
		});
	} finally {
		await browser.close();
	}
}

function escape(s: string): string {
	return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
