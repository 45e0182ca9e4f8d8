import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	MultipartError,
	saveMultipart,
	uploadDir,
	UploadTooLargeError
} from '$lib/server/customers/upload';

// The import form without JavaScript posts multipart/form-data; it is streamed to a temp file.
let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'soundings-multipart-'));
	process.env.SOUNDINGS_UPLOAD_DIR = dir;
});
afterAll(() => {
	delete process.env.SOUNDINGS_UPLOAD_DIR;
	rmSync(dir, { recursive: true, force: true });
});

function post(form: FormData): Request {
	return new Request('http://localhost/customers/import?/upload', { method: 'POST', body: form });
}

function csv(text: string, name = 'people.csv') {
	return new File([text], name, { type: 'text/csv' });
}

describe('saveMultipart (no-JS CSV upload)', () => {
	it('writes the file part to a temp file and returns the text fields', async () => {
		const form = new FormData();
		form.set('kind', 'customers');
		const body = 'external_id,email\n' + 'C1,a@example.com\n'.repeat(20_000);
		form.set('file', csv(body));
		const r = await saveMultipart(post(form));
		expect(r.fields.kind).toBe('customers');
		expect(r.file?.filename).toBe('people.csv');
		expect(r.file?.bytes).toBe(Buffer.byteLength(body));
		expect(r.file?.path.startsWith(uploadDir())).toBe(true);
		expect(readFileSync(r.file!.path, 'utf8')).toBe(body);
	});

	it('treats an empty file as no file, and refuses too large or non-multipart bodies', async () => {
		const empty = new FormData();
		empty.set('kind', 'orders');
		empty.set('file', csv('', 'empty.csv'));
		expect((await saveMultipart(post(empty))).file).toBeNull();

		const before = readdirSync(uploadDir()).length;
		const big = new FormData();
		big.set('kind', 'customers');
		big.set('file', csv('x'.repeat(5000)));
		await expect(saveMultipart(post(big), { maxBytes: 1000 })).rejects.toBeInstanceOf(
			UploadTooLargeError
		);
		// the partial file is removed
		expect(readdirSync(uploadDir()).length).toBe(before);

		const plain = new Request('http://localhost/', { method: 'POST', body: 'kind=customers' });
		await expect(saveMultipart(plain)).rejects.toBeInstanceOf(MultipartError);
		const broken = new Request('http://localhost/', {
			method: 'POST',
			headers: { 'content-type': 'multipart/form-data; boundary=abc' },
			body: '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx,y'
		});
		await expect(saveMultipart(broken)).rejects.toBeInstanceOf(MultipartError);
	});
});
