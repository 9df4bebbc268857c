// Forms from the engine's JSON Schemas: every built-in kind's fields come out of its schema,
// what is typed becomes the input the engine takes, and its field errors land on the field.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../core/index';
import { tempDir } from '../../core/testing/harness';
import { fieldOfError, fieldsOf, inputOf, maskPairs, stateOf } from './schemaForm';

const temp = tempDir();
const engine = createEngine({ dbPath: `${temp.dir}/t.db` });
const schemaOf = (name: string) => engine.listKinds().find((k) => k.name === name)!.schema;

it('the built-in kinds become fields by type: text, URL, list, NAME=value pairs, choices, numbers, switches, JSON', () => {
  const http = fieldsOf(schemaOf('http'));
  expect(http.map((f) => [f.name, f.control, f.required])).toEqual([
    ['method', 'select', false], ['url', 'url', true], ['headers', 'pairs', false], ['body', 'json', false],
    ['timeoutMs', 'number', false], ['expectStatus', 'lines', false], ['retryOn4xx', 'checkbox', false],
  ]);
  expect(http.find((f) => f.name === 'method')).toMatchObject({ options: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], placeholder: 'GET' });
  expect(http.find((f) => f.name === 'timeoutMs')).toMatchObject({ label: 'timeout (ms)', min: 1, max: 3_600_000, placeholder: '30000' });
  expect(fieldsOf(schemaOf('shell')).map((f) => f.name)).toEqual(['command', 'args', 'cwd', 'env', 'cleanEnv', 'stdin', 'shell', 'killGraceMs', 'outputCapBytes']);
  expect(fieldsOf(schemaOf('notify')).map((f) => [f.name, f.control])).toEqual([['title', 'text'], ['body', 'text'], ['urgency', 'select']]);
});

it('what is typed becomes an input the engine takes; empty fields take the defaults', () => {
  const fields = fieldsOf(schemaOf('http'));
  const { input, errors } = inputOf(fields, { method: 'POST', url: ' http://127.0.0.1:9/hook ', headers: 'X-Token=abc\n\nAccept=application/json',
    body: '{"a": 1}', timeoutMs: '', expectStatus: '200\n201', retryOn4xx: true });
  expect(errors).toEqual({});
  expect(input).toEqual({ method: 'POST', url: 'http://127.0.0.1:9/hook', headers: { 'X-Token': 'abc', Accept: 'application/json' }, body: { a: 1 }, expectStatus: [200, 201], retryOn4xx: true });
  expect(inputOf(fields, { url: '', timeoutMs: 'soon', headers: 'novalue' }).errors).toEqual({
    url: 'url is needed', timeoutMs: 'timeout (ms) is a number', headers: "each line is NAME=value ('novalue' is not)",
  });
});

it('an input shown in the form and read back is the same input (editing a task changes only what is changed)', () => {
  for (const [kind, input] of [
    ['http', { method: 'POST', url: 'http://127.0.0.1:9/hook', headers: { 'X-Token': 'abc' }, body: { a: [1, 2] }, expectStatus: [200, 201], retryOn4xx: true, timeoutMs: 5000 }],
    ['shell', { command: 'rsync', args: ['-a', '/home/me/My Photos', '/mnt/b'], cwd: '/srv', env: { A: '1' }, shell: false }],
    ['notify', { title: 'Backup done', body: 'all good', urgency: 'low' }],
  ] as const) {
    const fields = fieldsOf(schemaOf(kind));
    const back = inputOf(fields, stateOf(fields, input));
    expect(back.errors).toEqual({});
    // A false switch is left out (the engine's default is false).
    expect(back.input).toEqual(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== false)));
  }
});

it('an error the engine names a field of lands on that field', async () => {
  const fields = fieldsOf(schemaOf('http'));
  let path: string | undefined;
  try { engine.enqueue({ kind: 'http', input: { url: 'ftp://example.com' } }); } catch (e) { path = (e as { field?: string }).field; }
  expect(path).toMatch(/^input\.url/);
  expect(fieldOfError(path, fields)).toBe('url');
  expect(fieldOfError('input.headers.X', fields)).toBe('headers');
  expect(fieldOfError('lane', fields)).toBeNull();
  await engine.stop();
  temp.cleanup();
});

describe('pairs shown masked', () => {
  it('hides each value and keeps the names, empty values and lines without =', () => {
    expect(maskPairs('TOKEN=abc123\nEMPTY=\nDEBUG=1')).toBe('TOKEN=••••••\nEMPTY=\nDEBUG=••••••');
    expect(maskPairs('Authorization=Bearer x=y')).toBe('Authorization=••••••');
    expect(maskPairs('')).toBe('');
  });
});
