// A task's secrets with real processes, a real local HTTP server and the real database file:
// the process gets the value, an http header gets it through {{secret.NAME}}, and the value
// is found nowhere else — not in the file, the task, the run's input, its log or result, the
// events or an export.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';

const SECRET = 'tl-sk-9f8e7d6c5b4a';
let h: Harness;
let server: Server;
let headers: Record<string, unknown>[];
beforeEach(async () => {
  h = createHarness();
  h.engine.start();
  headers = [];
  server = createServer((req, res) => { headers.push(req.headers); res.end(`token was ${String(req.headers.authorization)}`); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterEach(async () => { await new Promise((r) => server.close(r)); await h.cleanup(); });

async function finished(id: number): Promise<void> {
  for (let i = 0; i < 500 && !['succeeded', 'dead', 'failed'].includes(h.engine.getRun({ id }).status); i++) await new Promise((r) => setTimeout(r, 10));
}

it('a shell run gets its task\'s secret in its environment; its output shows it masked; the value is nowhere else', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tasklane-secret-'));
  const t = h.engine.createTask({ name: 'deploy', kind: 'shell', input: { command: `printf %s "$API_TOKEN" > ${out}/got; echo "using $API_TOKEN"; echo "arg {{secret.API_TOKEN}}"`, shell: true }, secrets: { API_TOKEN: SECRET } });
  expect(t.secrets).toEqual(['API_TOKEN']);
  const run = h.engine.runTask({ id: t.id });
  await finished(run.id);
  expect(readFileSync(join(out, 'got'), 'utf8')).toBe(SECRET);
  const detail = h.engine.getRun({ id: run.id });
  expect(detail.status).toBe('succeeded');
  expect(h.engine.getLogs({ runId: run.id }).lines.map((l) => l.text)).toEqual(['using ••••••', 'arg ••••••']);
  // Nowhere else: the task, the run, the events, an export, the database file.
  const everywhere = JSON.stringify([h.engine.listTasks(), detail, h.engine.getLogs({ runId: run.id }), h.events, h.engine.exportConfig()]);
  expect(everywhere).not.toContain(SECRET);
  expect(detail.input).toMatchObject({ command: expect.stringContaining('{{secret.API_TOKEN}}') });
  await h.engine.stop();
  for (const f of ['tasklane.db', 'tasklane.db-wal']) {
    try { expect(readFileSync(join(h.dir, f)).includes(SECRET)).toBe(false); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
  }
  h.reopen();
});

it('an http header gets it through {{secret.NAME}}; what comes back is masked; a name the task lacks fails the run, saying which', async () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const t = h.engine.createTask({ name: 'ping', kind: 'http', input: { url, headers: { Authorization: 'Bearer {{secret.TOKEN}}' } }, secrets: { TOKEN: SECRET } });
  const run = h.engine.runTask({ id: t.id });
  await finished(run.id);
  expect(headers[0].authorization).toBe(`Bearer ${SECRET}`);
  const detail = h.engine.getRun({ id: run.id });
  expect(detail.status).toBe('succeeded');
  expect(JSON.stringify(detail)).not.toContain(SECRET);
  expect((detail.result as { body: string }).body).toBe('token was Bearer ••••••');

  // Removed (null), the run that uses it cannot start, and says why.
  expect(h.engine.updateTask({ id: t.id, secrets: { TOKEN: null } }).secrets).toEqual([]);
  const again = h.engine.runTask({ id: t.id });
  await finished(again.id);
  expect(h.engine.getRun({ id: again.id })).toMatchObject({ status: 'failed', error: { code: 'SECRET_NOT_FOUND', message: expect.stringContaining('{{secret.TOKEN}}') } });
});

it('a secret is named like an environment variable; a bad one changes nothing', () => {
  expect(() => h.engine.createTask({ name: 'x', kind: 'noop', secrets: { 'BAD NAME': 'v' } })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', field: expect.stringMatching(/^secrets/) }));
  expect(h.engine.listTasks()).toEqual([]);
});
