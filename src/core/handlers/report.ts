// The `report` kind: a report of the runs database, kept as two files of its run (report.md
// and report.html, downloadable from the run's panel), and optionally POSTed to a webhook.
//   digest   the last day or week: per task, its runs and how they ended, p50/p95 durations
//            (from the hourly rollups: they outlive pruned runs) and its slowest run; then
//            the latest failures.
//   query    a table of any read-only SQL query over the database (its first 1,000 rows):
//            an aggregation of your own ("runs per lane per day", "the most retried").
// The database is read on a connection of its own in a child process (report-query.mjs): a
// heavy query never holds the engine's thread, and a timeout, a cancel or the read limit
// (10 minutes) kills it.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { httpUrl } from '../api/schemas';
import type { Stats } from '../api/types';
import { KindError, type KindDefinition, type RunContext } from '../kinds';
import { signBody, SIGNATURE_HEADER } from '../hooks/hooks';
import { clockTime, duration } from '../../shared/words';

const QUERY = fileURLToPath(new URL('./report-query.mjs', import.meta.url));
const DAY = 86_400_000;
/** A query's table keeps at most this many rows. */
export const REPORT_ROWS = 1000;
/** A report's reading of the database ends after this long, whatever the run's own limit. */
export const REPORT_READ_LIMIT_MS = 10 * 60_000;

export const reportInput = z.strictObject({
  template: z.enum(['digest', 'query']).default('digest'),
  title: z.string().min(1).max(200).optional(),
  /** digest: the day or the week up to the run's start. */
  period: z.enum(['day', 'week']).default('day'),
  /** query: one SELECT over the runs database (tables runs, tasks, attempts, run_logs, run_rollups…). */
  sql: z.string().min(1).max(20_000).optional(),
  /** Where the report is POSTed as JSON ({title, markdown, data}); signed when a secret is given. */
  webhook: z.strictObject({ url: httpUrl, secret: z.string().min(16).max(200).optional() }).optional(),
}).refine((r) => r.template !== 'query' || r.sql !== undefined, { message: 'a query report needs its sql', path: ['sql'] });
export type ReportInput = z.output<typeof reportInput>;

export interface ReportPorts {
  now(): number;
  stats(q: { from: number; to: number }): Stats;
  dbPath: string;
  nativeBinding?: string;
  /** How long a report may read (tests make it short); default REPORT_READ_LIMIT_MS. */
  readLimitMs?: number;
}

interface Table { columns: string[]; rows: unknown[][]; more: boolean }

/** Reads the database in a child process; kills it when the attempt is aborted (a timeout,
 *  a cancel, a stop) or after REPORT_READ_LIMIT_MS. */
function read(ports: ReportPorts, statements: { sql: string; params?: unknown[]; limit: number }[], signal: AbortSignal, limitMs = ports.readLimitMs ?? REPORT_READ_LIMIT_MS): Promise<Table[]> {
  return new Promise((resolve, reject) => {
    const child = fork(QUERY, [], { execArgv: ['--max-old-space-size=512'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => { if (stderr.length < 2000) stderr += c.toString(); });
    let settled = false;
    const end = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null) child.kill('SIGKILL');
      fn();
    };
    const onAbort = () => end(() => reject(signal.reason));
    const timer = setTimeout(() => end(() => reject(new KindError('REPORT_TOO_SLOW', `the report's query ran for more than ${duration(limitMs)} and was ended`, { retryable: false }))), limitMs);
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('message', (m: { ok: true; results: Table[] } | { ok: false; code: string; message: string }) =>
      end(() => (m.ok ? resolve(m.results) : reject(new KindError(m.code, m.message, { retryable: false })))));
    child.once('error', (e) => end(() => reject(new KindError('REPORT_QUERY_FAILED', e.message))));
    child.once('exit', (code, sig) => end(() => reject(new KindError('REPORT_QUERY_FAILED',
      `the report's reader ended (${sig ?? `exit code ${code}`}) before it answered${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`))));
    child.send({ dbPath: ports.dbPath, nativeBinding: ports.nativeBinding, statements });
  });
}

// ---- rendering ------------------------------------------------------------------------------

const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const mdCell = (v: unknown) => cell(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const esc = (v: unknown) => cell(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A report as blocks: headings, paragraphs, tables, lists; rendered as Markdown and HTML. */
type Block = { h: string } | { p: string } | { table: { columns: string[]; rows: unknown[][] } } | { list: string[] };

function markdown(title: string, blocks: Block[]): string {
  const out = [`# ${title}`, ''];
  for (const b of blocks) {
    if ('h' in b) out.push(`## ${b.h}`, '');
    else if ('p' in b) out.push(b.p, '');
    else if ('list' in b) out.push(...b.list.map((l) => `- ${l}`), '');
    else {
      out.push(`| ${b.table.columns.map(mdCell).join(' | ')} |`, `|${b.table.columns.map(() => ' --- |').join('')}`);
      for (const r of b.table.rows) out.push(`| ${r.map(mdCell).join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

function html(title: string, blocks: Block[]): string {
  const body = blocks.map((b) => {
    if ('h' in b) return `<h2>${esc(b.h)}</h2>`;
    if ('p' in b) return `<p>${esc(b.p)}</p>`;
    if ('list' in b) return `<ul>${b.list.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
    const head = b.table.columns.map((c) => `<th>${esc(c)}</th>`).join('');
    const rows = b.table.rows.map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('\n');
    return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#1b1f24}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f6f8fa}td{font-variant-numeric:tabular-nums}</style>
</head><body><h1>${esc(title)}</h1>
${body}
</body></html>
`;
}

// ---- the templates -------------------------------------------------------------------------

async function digest(input: ReportInput, ports: ReportPorts, signal: AbortSignal) {
  // Up to now, included (a run that ended this very moment counts).
  const to = ports.now() + 1;
  const from = to - 1 - (input.period === 'week' ? 7 * DAY : DAY);
  const stats = ports.stats({ from, to });
  const [slowest, failures] = await read(ports, [
    { sql: `SELECT coalesce(task_id, 0), id, max(finished_at - started_at) FROM runs
            WHERE finished_at >= ? AND finished_at < ? AND started_at IS NOT NULL GROUP BY coalesce(task_id, 0)`, params: [from, to], limit: 100_000 },
    { sql: `SELECT r.id, coalesce(r.name, t.name, r.kind), r.status, r.error_code, r.error_message, r.finished_at FROM runs r LEFT JOIN tasks t ON t.id = r.task_id
            WHERE r.status IN ('failed', 'dead') AND r.finished_at >= ? AND r.finished_at < ? ORDER BY r.finished_at DESC`, params: [from, to], limit: 20 },
  ], signal);
  const slow = new Map(slowest.rows.map(([task, id, ms]) => [task as number, { id: id as number, ms: ms as number }]));
  const total = stats.rows.reduce((s, r) => ({ runs: s.runs + r.runs, succeeded: s.succeeded + r.succeeded, failed: s.failed + r.failed, dead: s.dead + r.dead, cancelled: s.cancelled + r.cancelled }),
    { runs: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0 });
  const ms = (v: number | null) => (v === null ? '-' : duration(v));
  const tasks = stats.rows.map((r) => {
    const s = slow.get(r.taskId ?? 0);
    return { task: r.key, runs: r.runs, succeeded: r.succeeded, failed: r.failed, dead: r.dead, cancelled: r.cancelled, p50Ms: r.p50Ms, p95Ms: r.p95Ms,
      slowest: s ? { runId: s.id, ms: s.ms } : null };
  });
  const title = input.title ?? `Tasklane digest: the last ${input.period}`;
  const blocks: Block[] = [
    { p: `${clockTime(from)} to ${clockTime(to - 1)}` },
    { p: `${total.runs} runs ended: ${total.succeeded} succeeded, ${total.failed} failed, ${total.dead} dead, ${total.cancelled} cancelled.` },
    { h: 'Tasks' },
    tasks.length
      ? { table: { columns: ['Task', 'Runs', 'Succeeded', 'Failed', 'Dead', 'Cancelled', 'p50', 'p95', 'Slowest'],
        rows: tasks.map((t) => [t.task, t.runs, t.succeeded, t.failed, t.dead, t.cancelled, ms(t.p50Ms), ms(t.p95Ms),
          t.slowest ? `${duration(t.slowest.ms)} (run ${t.slowest.runId})` : '-']) } }
      : { p: 'No run ended in this time.' },
    { h: 'Latest failures' },
    failures.rows.length
      ? { list: failures.rows.map(([id, name, status, code, message, at]) => `run ${id} ${cell(name)}: ${cell(status)} at ${clockTime(at as number)}${code ? ` (${cell(code)}${message ? `: ${cell(message)}` : ''})` : ''}`) }
      : { p: 'None.' },
  ];
  return { title, blocks, data: { from, to: to - 1, total, tasks, failures: failures.rows.map(([id, name, status, code, message, at]) => ({ runId: id, name, status, code, message, at })) } };
}

async function query(input: ReportInput, ports: ReportPorts, signal: AbortSignal) {
  const [t] = await read(ports, [{ sql: input.sql!, limit: REPORT_ROWS }], signal);
  const title = input.title ?? 'Tasklane report';
  const blocks: Block[] = [
    { p: `At ${clockTime(ports.now())}: ${t.rows.length}${t.more ? ` rows (the first ${REPORT_ROWS})` : ` row${t.rows.length === 1 ? '' : 's'}`}.` },
    { table: { columns: t.columns, rows: t.rows } },
  ];
  return { title, blocks, data: { columns: t.columns, rows: t.rows, more: t.more }, result: { columns: t.columns, rows: t.rows.length, more: t.more } };
}

async function post(hook: NonNullable<ReportInput['webhook']>, body: string, signal: AbortSignal) {
  const res = await fetch(hook.url, {
    method: 'POST', signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    headers: { 'content-type': 'application/json', 'user-agent': 'Tasklane', ...(hook.secret && { [SIGNATURE_HEADER]: signBody(hook.secret, body) }) },
    body,
  }).catch((e: Error) => { throw new KindError('REPORT_WEBHOOK_UNREACHABLE', `the webhook could not be reached: ${e.message}`); });
  if (!res.ok) throw new KindError(`HTTP_${res.status}`, `the webhook answered ${res.status}`, { retryable: res.status >= 500 || res.status === 429 });
}

export function reportKind(ports: ReportPorts): KindDefinition<ReportInput> {
  return {
    input: reportInput,
    async run(input, ctx: RunContext) {
      const made = input.template === 'digest' ? await digest(input, ports, ctx.signal) : await query(input, ports, ctx.signal);
      const md = markdown(made.title, made.blocks);
      const dir = mkdtempSync(join(tmpdir(), 'tasklane-report-'));
      try {
        writeFileSync(join(dir, 'report.md'), md);
        writeFileSync(join(dir, 'report.html'), html(made.title, made.blocks));
        await ctx.artifact('report.md', dir, true);
        await ctx.artifact('report.html', dir, true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      ctx.log('stdout', md);
      if (input.webhook) {
        await post(input.webhook, JSON.stringify({ title: made.title, markdown: md, data: made.data }), ctx.signal);
        ctx.log('info', `posted to ${new URL(input.webhook.url).host}`);
      }
      // The run's result: the digest's numbers, or the query's shape (its rows are in the files).
      const result = 'result' in made ? made.result : made.data;
      return { title: made.title, files: ['report.md', 'report.html'], ...result, ...(input.webhook && { posted: true }) };
    },
  };
}
