import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import Busboy from '@fastify/busboy';

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

export class MultipartError extends Error {
	constructor() {
		super('The upload could not be read; try again.');
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

/**
 * The upload form without JavaScript: reads a multipart/form-data request as a stream (never
 * buffering it the way request.formData() does), writes the part named `fileField` to a new temp
 * file and returns it with the form's text fields. An empty file part gives file: null.
 */
export async function saveMultipart(
	request: Request,
	opts: { fileField?: string; maxBytes?: number } = {}
): Promise<{
	fields: Record<string, string>;
	file: { path: string; bytes: number; filename: string } | null;
}> {
	const fileField = opts.fileField ?? 'file';
	const maxBytes = opts.maxBytes ?? MAX_UPLOAD_BYTES;
	const type = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data/i.test(type) || !request.body) throw new MultipartError();
	const dir = uploadDir();
	await mkdir(dir, { recursive: true });
	const fields: Record<string, string> = {};
	let file: { path: string; bytes: number; filename: string } | null = null;
	let written: Promise<void> | null = null;
	let tooLarge = false;
	let bb;
	try {
		bb = Busboy({
			headers: { 'content-type': type },
			limits: { files: 1, fields: 20, fieldSize: 10_000, parts: 30, fileSize: maxBytes }
		});
	} catch {
		throw new MultipartError();
	}
	bb.on('field', (name, value) => {
		fields[name] = value;
	});
	bb.on('file', (name, stream, filename) => {
		if (name !== fileField || file) {
			stream.resume();
			return;
		}
		const f = { path: join(dir, `${randomUUID()}.csv`), bytes: 0, filename: filename ?? '' };
		file = f;
		stream.on('data', (chunk: Buffer) => (f.bytes += chunk.length));
		stream.on('limit', () => (tooLarge = true));
		written = pipeline(stream, createWriteStream(f.path));
		// surfaced when awaited below
		written.catch(() => {});
	});
	const cleanup = async () => {
		const f = file as { path: string } | null;
		if (f) await rm(f.path, { force: true });
	};
	try {
		await pipeline(
			Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>),
			bb
		);
		if (written) await written;
	} catch (e) {
		await cleanup();
		if (e instanceof Error && /multipart|boundary|unexpected end/i.test(e.message))
			throw new MultipartError();
		throw e;
	}
	const saved = file as { path: string; bytes: number; filename: string } | null;
	if (tooLarge) {
		await cleanup();
		throw new UploadTooLargeError();
	}
	if (saved && saved.bytes === 0) {
		await cleanup();
		return { fields, file: null };
	}
	return { fields, file: saved };
}
