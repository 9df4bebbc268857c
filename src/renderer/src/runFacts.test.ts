// The run's panel says what a run was given and gave back, per kind, in words; secrets in
// env and headers never show.
import { expect, it } from 'vitest';
import { inputFacts, resultFacts } from './runFacts';

it('shell: the command as typed, its folder, env names with values masked', () => {
  const facts = inputFacts('shell', { command: 'rsync', args: ['-a', '/home/me/My Photos', '/mnt/b'], cwd: '/srv', env: { TOKEN: 'hunter2' } });
  expect(facts.map((f) => [f.label, f.value])).toEqual([
    ['command', "rsync -a '/home/me/My Photos' /mnt/b"], ['folder', '/srv'], ['environment', 'TOKEN=••••••'],
  ]);
  expect(JSON.stringify(facts)).not.toContain('hunter2');
  expect(inputFacts('shell', { command: 'ls *.log | wc -l', shell: true })).toEqual([
    { label: 'command (through the shell)', value: 'ls *.log | wc -l', code: true }, { label: 'folder', value: 'the home folder' },
  ]);
});

it('http: method and URL, header names only, the body; notify: its words; a plugin: its input', () => {
  const http = inputFacts('http', { method: 'POST', url: 'https://example.com/hook', headers: { Authorization: 'Bearer s3cret' }, body: { a: 1 }, expectStatus: [200, 201] });
  expect(http.map((f) => f.label)).toEqual(['request', 'headers', 'body', 'succeeds on']);
  expect(http[0].value).toBe('POST https://example.com/hook');
  expect(JSON.stringify(http)).not.toContain('s3cret');
  expect(inputFacts('notify', { title: 'Backup done', body: '1,432 files', urgency: 'critical' }).map((f) => f.value)).toEqual(['Backup done', '1,432 files', 'critical']);
  expect(inputFacts('plugin.thumbs', { size: 256 })).toEqual([{ label: 'input', value: '{\n  "size": 256\n}', code: true }]);
  expect(inputFacts('plugin.thumbs', {})).toEqual([]);
});

it('results in words: the exit code, the HTTP status and response, whether a notification showed', () => {
  expect(resultFacts('shell', { exitCode: 0, durationMs: 1500, stdoutTail: ['::progress 50', 'done'] })).toEqual([{ label: 'result', value: 'exit 0 after 1.5 s' }]);
  expect(resultFacts('http', { status: 204, headers: {}, body: '', truncated: false })).toEqual([{ label: 'result', value: 'HTTP 204' }]);
  expect(resultFacts('http', { status: 200, headers: {}, body: '{"ok":true}', truncated: false })[1]).toEqual({ label: 'response', value: '{"ok":true}', code: true });
  expect(resultFacts('notify', { delivered: false })[0].value).toBe('not shown here (see the log)');
  expect(resultFacts('echo', 'hello \u001b[32mworld\u001b[0m')).toEqual([{ label: 'result', value: 'hello world', code: true }]);
  expect(resultFacts('shell', null)).toEqual([]);
});
