import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';

// Uploads are streamed to a temporary file (never buffered whole in memory) and imported from there.

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export class UploadTooLargeError extends Error {
	constructor() {
		super(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);
	}
}
export class EmptyUploadError extends Error {
	constructor() {
		super('Choose a CSV file to upload.');
	}
}

/** This instance's directory for uploads (the host name in the path tells instances apart). */
export function uploadDir(): string {
	return (
		join(process.env.SOUNDINGS_UPLOAD_DIR ?? join(tmpdir(), 'soundings-imports'), hostname()) + '/'
	);
}

/** Streams a web ReadableStream to a new temp file; returns its path and size. */
export async function saveStream(
	body: ReadableStream<Uint8Array> | null,
	maxBytes = MAX_UPLOAD_BYTES
): Promise<{ path: string; bytes: number }> {
	if (!body) throw new EmptyUploadError();
	const dir = uploadDir();
	await mkdir(dir, { recursive: true });
	const path = join(dir, `${randomUUID()}.csv`);
	let bytes = 0;
	const limit = new Transform({
		transform(chunk: Buffer, _enc, cb) {
			bytes += chunk.length;
			if (bytes > maxBytes) cb(new UploadTooLargeError());
			else cb(null, chunk);
		}
	});
	try {
		await pipeline(
			Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
			limit,
			createWriteStream(path)
		);
	} catch (e) {
		await rm(path, { force: true });
		throw e;
	}
	if (bytes === 0) {
		await rm(path, { force: true });
		throw new EmptyUploadError();
	}
	return { path, bytes };
}

/** Copies a local file into the upload directory (the CLI imports from there too). */
export async function saveFile(file: { stream(): ReadableStream<Uint8Array>; size: number }) {
	if (file.size === 0) throw new EmptyUploadError();
	return saveStream(file.stream());
}
