import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrate';

// Migrates one template database per run; each test file copies it (fast) and drops its copy.
export default async function setup(project: TestProject) {
	const admin = process.env.TEST_DATABASE_URL;
	if (!admin) throw new Error('TEST_DATABASE_URL is not set');
	const name = `sdt_tpl_${process.pid}_${Date.now().toString(36)}`;
	const sql = postgres(admin, { max: 1, onnotice: () => {} });
	await sql.unsafe(`create database ${name}`);
	const u = new URL(admin);
	u.pathname = `/${name}`;
	const handle = await openDb({ url: u.toString(), poolSize: 1 });
	await migrateToLatest(handle.db as never);
	await handle.close();
	project.provide('pgTemplate', name);
	return async () => {
		await sql.unsafe(`drop database if exists ${name} with (force)`);
		await sql.end();
	};
}
