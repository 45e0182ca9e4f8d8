import type { DbOrTrx } from '../db';
import type { AnswerValue, Answers } from '$lib/survey/answers';
import { answersFromRows } from './answers';
import { columnKey, surveyQuestions, type QuestionMeta } from './drill';
import { loadPublished } from '../surveys/published';
import { allQuestions } from '$lib/schemas/survey';
import { surveyInfo } from './dashboard';

export interface ExportColumn {
	key: string;
	lineage: string;
	item?: string;
	label: string;
}

/** Columns of the raw export: fixed fields, then one per question lineage (matrix: per statement). */
export function columnsFor(questions: QuestionMeta[]): ExportColumn[] {
	const cols: ExportColumn[] = [];
	for (const q of questions) {
		const items = (q.settings.items as { key: string; label: string }[] | undefined) ?? [];
		if (q.type === 'matrix' && items.length)
			for (const it of items)
				cols.push({
					key: columnKey(q.lineage, it.key),
					lineage: q.lineage,
					item: it.key,
					label: `${q.prompt} — ${it.label}`
				});
		else cols.push({ key: columnKey(q.lineage), lineage: q.lineage, label: q.prompt });
	}
	return cols;
}

export const FIXED_COLUMNS = [
	'response_id',
	'wave',
	'wave_date',
	'completed_at',
	'customer',
	'anonymous'
];

/** A raw answer as one CSV cell: yes/no, numbers, option values joined by ';', text. */
export function cell(value: AnswerValue | undefined, item?: string): string {
	if (value === undefined || value === null) return '';
	if (item !== undefined) {
		if (typeof value === 'object' && !Array.isArray(value)) {
			const v = (value as Record<string, number>)[item];
			return v === undefined ? '' : String(v);
		}
		return '';
	}
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	if (Array.isArray(value)) return value.join(';');
	if (typeof value === 'object')
		return Object.entries(value)
			.map(([k, v]) => `${k}=${v}`)
			.join(';');
	return String(value);
}

export interface ExportedResponse {
	id: number;
	waveId: number | null;
	waveName: string;
	waveDate: Date | null;
	completedAt: Date | null;
	/** the customer's external id; null when anonymous or erased */
	customer: string | null;
	anonymous: boolean;
	answers: Answers;
}

/** Complete responses of a survey after a response id (keyset), with their answers. */
export async function page(
	db: DbOrTrx,
	surveyId: number,
	opts: { after: number; limit: number }
): Promise<ExportedResponse[]> {
	const responses = await db
		.selectFrom('responses as r')
		.leftJoin('waves as w', 'w.id', 'r.wave_id')
		.leftJoin('customers as c', 'c.id', 'r.customer_id')
		.select([
			'r.id',
			'r.wave_id',
			'w.name as wave_name',
			'w.scheduled_for',
			'r.completed_at',
			'r.anonymous',
			'c.external_id',
			'c.erased_at'
		])
		.where('r.survey_id', '=', surveyId)
		.where('r.status', '=', 'complete')
		.where('r.id', '>', opts.after)
		.orderBy('r.id')
		.limit(opts.limit)
		.execute();
	if (responses.length === 0) return [];
	const rows = await db
		.selectFrom('answers as a')
		.innerJoin('questions as q', 'q.id', 'a.question_id')
		.select(['a.response_id', 'a.lineage', 'q.type', 'a.item', 'a.value', 'a.text'])
		.where(
			'a.response_id',
			'in',
			responses.map((r) => r.id)
		)
		.execute();
	const byResponse = new Map<number, typeof rows>();
	for (const row of rows) {
		const list = byResponse.get(row.response_id) ?? [];
		list.push(row);
		byResponse.set(row.response_id, list);
	}
	return responses.map((r) => ({
		id: r.id,
		waveId: r.wave_id,
		waveName: r.wave_name ?? '',
		waveDate: r.scheduled_for,
		completedAt: r.completed_at,
		customer: r.anonymous || r.erased_at ? null : (r.external_id ?? null),
		anonymous: r.anonymous,
		answers: answersFromRows(byResponse.get(r.id) ?? [])
	}));
}

/** The CSV rows (header first) of a survey's complete responses, generated batch by batch. */
export async function* csvRows(
	db: DbOrTrx,
	surveyId: number,
	batch = 500
): AsyncGenerator<string[]> {
	const columns = columnsFor(await surveyQuestions(db, surveyId));
	yield [...FIXED_COLUMNS, ...columns.map((c) => c.key)];
	let after = 0;
	for (;;) {
		const list = await page(db, surveyId, { after, limit: batch });
		for (const r of list)
			yield [
				String(r.id),
				r.waveName,
				r.waveDate ? r.waveDate.toISOString().slice(0, 10) : '',
				r.completedAt ? r.completedAt.toISOString() : '',
				r.customer ?? '',
				r.anonymous ? 'yes' : 'no',
				...columns.map((c) => cell(r.answers[c.lineage], c.item))
			];
		if (list.length < batch) return;
		after = list[list.length - 1].id;
	}
}

export interface ResponseDetail {
	id: number;
	waveName: string;
	completedAt: Date | null;
	customer: { name: string; email: string | null; externalId: string } | null;
	erased: boolean;
	anonymous: boolean;
	answers: { lineage: string; prompt: string; answer: string }[];
}

/** One respondent's answers with labels (null when not found; answers hidden when erased). */
export async function responseDetail(
	db: DbOrTrx,
	surveyId: number,
	responseId: number
): Promise<ResponseDetail | null> {
	const r = await db
		.selectFrom('responses as r')
		.leftJoin('waves as w', 'w.id', 'r.wave_id')
		.leftJoin('customers as c', 'c.id', 'r.customer_id')
		.select([
			'r.id',
			'r.version_id',
			'r.anonymous',
			'r.completed_at',
			'w.name as wave_name',
			'c.name',
			'c.email',
			'c.external_id',
			'c.erased_at'
		])
		.where('r.id', '=', responseId)
		.where('r.survey_id', '=', surveyId)
		.where('r.status', '=', 'complete')
		.executeTakeFirst();
	if (!r) return null;
	const erased = !!r.erased_at;
	const base = {
		id: r.id,
		waveName: r.wave_name ?? '',
		completedAt: r.completed_at,
		erased,
		anonymous: r.anonymous,
		customer:
			!erased && !r.anonymous && r.external_id
				? { name: r.name ?? '', email: r.email, externalId: r.external_id }
				: null
	};
	if (erased) return { ...base, answers: [] };
	const [version, rows] = await Promise.all([
		loadPublished(db, r.version_id),
		db
			.selectFrom('answers as a')
			.innerJoin('questions as q', 'q.id', 'a.question_id')
			.select(['a.lineage', 'q.type', 'a.item', 'a.value', 'a.text'])
			.where('a.response_id', '=', responseId)
			.execute()
	]);
	const answers = answersFromRows(rows);
	const list = version ? allQuestions(version.definition).map((x) => x.question) : [];
	return {
		...base,
		answers: list
			.filter((q) => answers[q.id] !== undefined)
			.map((q) => ({ lineage: q.id, prompt: q.prompt, answer: label(q, answers[q.id]) }))
	};
}

function label(q: ReturnType<typeof allQuestions>[number]['question'], v: AnswerValue): string {
	const opt = (value: string) =>
		'options' in q ? (q.options.find((o) => o.value === value)?.label ?? value) : value;
	switch (q.type) {
		case 'likert':
			return `${q.labels[Number(v) - 1] ?? v} (${v}/${q.points})`;
		case 'rating':
			return `${v}/${q.max}`;
		case 'nps':
			return `${v}/10`;
		case 'yesno':
			return v ? q.yesLabel : q.noLabel;
		case 'single':
			return opt(String(v));
		case 'multiple':
			return (v as string[]).map(opt).join(', ');
		case 'ranking':
			return (v as string[]).map((x, i) => `${i + 1}. ${opt(x)}`).join(', ');
		case 'matrix':
			return Object.entries(v as Record<string, number>)
				.map(([k, p]) => `${q.items.find((i) => i.key === k)?.label ?? k}: ${q.labels[p - 1] ?? p}`)
				.join('; ');
		default:
			return String(v);
	}
}

/** One page of the JSON API: questions (with column keys) and responses after a cursor. */
export async function apiPage(
	db: DbOrTrx,
	surveyId: number,
	opts: { after: number; limit: number }
) {
	const survey = await surveyInfo(db, surveyId);
	const [questions, list] = await Promise.all([
		surveyQuestions(db, surveyId),
		page(db, surveyId, opts)
	]);
	return {
		survey: { id: survey.id, title: survey.title },
		questions: questions.map((q) => ({
			lineage: q.lineage,
			column: q.column,
			prompt: q.prompt,
			type: q.type,
			scored: q.scored,
			/** scale length of Likert/matrix (points) and rating (max) questions */
			points: (q.settings.points ?? q.settings.max ?? null) as number | null
		})),
		responses: list.map((r) => ({
			id: r.id,
			wave: r.waveId === null ? null : { id: r.waveId, name: r.waveName },
			completed_at: r.completedAt?.toISOString() ?? null,
			customer: r.customer,
			anonymous: r.anonymous,
			answers: r.answers
		})),
		next: list.length === opts.limit ? list[list.length - 1].id : null
	};
}
