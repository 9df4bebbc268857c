// The intake inbox on a real database, a real inbox folder and a real local host: a message
// posted to a source becomes a proposal, approval runs it, a rejection is kept, a malformed
// message is kept with its reason, a rule approves by itself, and a file put in the folder is
// taken once, even across a restart that came between storing it and moving it.
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, query, settle, snapshot, type Harness } from '../testing/harness';
import { openLocalHost, type LocalHost } from '../../host/local-host';

let h: Harness;
let host: LocalHost | null = null;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await host?.close(); host = null; await h.cleanup(); });

/** The typed error `fn` throws (the test fails if it throws nothing). */
function errorOf(fn: () => unknown): { code: string; message: string; field?: string } {
  try { fn(); } catch (e) { return e as { code: string; message: string; field?: string }; }
  throw new Error('it did not throw');
}

const post = (source: string, token: string | null, body: string, type = 'application/json') =>
  fetch(`${host!.url}intake/${source}`, {
    method: 'POST', body, headers: { 'content-type': type, ...(token !== null && { authorization: `Bearer ${token}` }) },
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe('a message posted to an intake source', () => {
  it('becomes a proposal by a rule; approving runs the task with the message in its input; the decision is kept', async () => {
    host = await openLocalHost({ dataDir: h.dir, engine: h.engine, port: 0 });
    const greet = h.engine.createTask({ name: 'greet', kind: 'echo', input: { value: 'hello' } });
    h.engine.setIntakeRules({ rules: [{ name: 'deploys', source: 'chat', match: '^deploy (?<app>\\w+)$', task: 'greet', input: { value: 'deploying {{match.app}} ({{message.text}})' } }] });
    const { token } = h.engine.addIntakeSource({ name: 'chat' });

    const answer = await post('chat', token, 'deploy shop', 'text/plain');
    expect(answer).toEqual({ status: 202, body: { ok: true, value: { id: expect.any(Number), status: 'pending', reason: null } } });
    const id = answer.body.value.id;
    expect(h.engine.getMessage({ id })).toMatchObject({
      source: 'chat', format: 'text', body: 'deploy shop', status: 'pending', rule: 'deploys',
      proposal: { task: 'greet', input: { value: 'deploying shop (deploy shop)' } },
    });
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'message', id, status: 'pending' }));
    expect(h.engine.listRuns({}).runs).toEqual([]); // nothing runs before the person says so

    const approved = h.engine.approveMessage({ id });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'api', decidedAt: h.clock.now(), runId: expect.any(Number), taskId: greet.id,
      approved: { task: 'greet', input: { value: 'deploying shop (deploy shop)' } } });
    await h.engine.idle();
    expect(h.engine.getRun({ id: approved.runId! })).toMatchObject({ status: 'succeeded', taskId: greet.id, result: 'deploying shop (deploy shop)' });
    // Decided is decided: a second approval or a rejection is refused and changes nothing.
    const before = snapshot(h.dbPath);
    expect(errorOf(() => h.engine.approveMessage({ id }))).toMatchObject({ code: 'INVALID_TRANSITION', message: `message ${id} was approved already` });
    expect(errorOf(() => h.engine.rejectMessage({ id }))).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(snapshot(h.dbPath)).toBe(before);
  });

  it('a rejection is kept, with who and why; an edit then approve runs the edit and keeps the proposal as it was', () => {
    h.engine.createTask({ name: 'a', kind: 'echo', input: { value: 1 } });
    h.engine.createTask({ name: 'b', kind: 'echo', input: { value: 2 } });
    const first = h.engine.sendMessage({ text: '{"task": "a", "input": {"value": "from the message"}}' });
    expect(first).toMatchObject({ source: 'api', format: 'json', status: 'pending', rule: null, proposal: { task: 'a', input: { value: 'from the message' } } });
    const rejected = h.engine.rejectMessage({ id: first.id, reason: 'not today' });
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'not today', decidedBy: 'api', runId: null });
    expect(h.engine.listMessages({ status: 'rejected' }).messages.map((m) => m.id)).toEqual([first.id]);

    const second = h.engine.sendMessage({ text: 'please run something' });
    expect(second).toMatchObject({ format: 'text', proposal: null, reason: expect.stringMatching(/^no rule matched/) });
    expect(errorOf(() => h.engine.approveMessage({ id: second.id }))).toMatchObject({ code: 'INVALID_INPUT', field: 'proposal' });
    const edited = h.engine.approveMessage({ id: second.id, proposal: { task: 'b', input: { value: 'edited' } } });
    expect(edited).toMatchObject({ status: 'approved', proposal: null, approved: { task: 'b', input: { value: 'edited' } } });
    expect(h.engine.getRun({ id: edited.runId! }).input).toEqual({ value: 'edited' });
    expect(h.engine.listMessages({}).counts).toEqual({ pending: 0, approved: 1, rejected: 1 });
  });

  it('a JSON message can ask for a new task; approving creates it', () => {
    const m = h.engine.sendMessage({ text: JSON.stringify({ createTask: { name: 'nightly', kind: 'echo', input: { value: 'n' } } }) });
    expect(m.proposal).toEqual({ createTask: { name: 'nightly', kind: 'echo', input: { value: 'n' } } });
    const done = h.engine.approveMessage({ id: m.id });
    expect(h.engine.listTasks().find((t) => t.id === done.taskId)).toMatchObject({ name: 'nightly' });
    // A proposal the engine refuses is refused at approval, and the message stays pending.
    const bad = h.engine.sendMessage({ text: JSON.stringify({ createTask: { name: 'x', kind: 'no-such-kind' } }) });
    expect(errorOf(() => h.engine.approveMessage({ id: bad.id }))).toMatchObject({ code: 'UNKNOWN_KIND' });
    expect(h.engine.getMessage({ id: bad.id }).status).toBe('pending');
  });

  it('a malformed message is kept and shown as rejected, with the reason', async () => {
    host = await openLocalHost({ dataDir: h.dir, engine: h.engine, port: 0 });
    const { token } = h.engine.addIntakeSource({ name: 'hooks' });
    const answer = await post('hooks', token, '{"task": "a",');
    expect(answer.status).toBe(202);
    expect(answer.body.value).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^not valid JSON/) });
    expect(h.engine.getMessage({ id: answer.body.value.id })).toMatchObject({ body: '{"task": "a",', status: 'rejected', decidedBy: 'intake' });
  });

  it('without the source\'s token nothing is stored: another source\'s token, the app\'s token, none, an unknown source', async () => {
    host = await openLocalHost({ dataDir: h.dir, engine: h.engine, port: 0 });
    h.engine.addIntakeSource({ name: 'one' });
    const two = h.engine.addIntakeSource({ name: 'two' });
    for (const [source, token] of [['one', two.token], ['one', host.token], ['one', null], ['nobody', two.token]] as const) {
      const r = await post(source, token, '{}');
      expect(r.status, `${source} ${token}`).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
    expect(h.engine.listMessages({}).messages).toEqual([]);
    // A new token replaces the old one.
    const again = h.engine.addIntakeSource({ name: 'two', newToken: true });
    expect((await post('two', two.token, 'hi', 'text/plain')).status).toBe(401);
    expect((await post('two', again.token, 'hi', 'text/plain')).status).toBe(202);
  });

  it('a rule can approve by itself (the run says it came from the inbox); when it cannot, the message waits with the reason', async () => {
    const t = h.engine.createTask({ name: 'shout', kind: 'echo', input: { value: '{{message.text}}!' } });
    h.engine.setIntakeRules({ rules: [{ match: 'urgent', task: 'shout', autoApprove: true }, { source: 'ci', autoApprove: true }] });
    const m = h.engine.sendMessage({ text: 'urgent thing' });
    expect(m).toMatchObject({ status: 'approved', decidedBy: 'rule 1', proposal: { task: 'shout', input: { value: 'urgent thing!' } } });
    await h.engine.idle();
    expect(h.engine.getRun({ id: m.runId! })).toMatchObject({ trigger: 'intake', result: 'urgent thing!', taskId: t.id });
    // The second rule takes a JSON message from ci that names its task.
    const ci = h.engine.sendMessage({ source: 'ci', text: '{"task": "gone"}' });
    expect(ci).toMatchObject({ status: 'pending', rule: 'rule 2', reason: expect.stringContaining("rule 2 could not approve it: proposal.task: there is no task named 'gone'") });
  });

  it('a rule fills a shell command\'s values in as quoted words: a message is never run as shell code', async () => {
    h.engine.createTask({ name: 'say', kind: 'shell', input: { command: 'echo {{message.text}}', shell: true } });
    h.engine.setIntakeRules({ rules: [{ task: 'say' }] });
    const m = h.engine.sendMessage({ text: "hi $(echo RAN) 'x'" });
    expect(m.proposal).toMatchObject({ task: 'say', input: { command: `echo 'hi $(echo RAN) '\\''x'\\'''`, shell: true } });
    const { runId } = h.engine.approveMessage({ id: m.id });
    await h.engine.idle();
    expect(h.engine.getLogs({ runId: runId! }).lines.map((l) => l.text)).toContain("hi $(echo RAN) 'x'");
  });

  it('a pattern that would backtrack for ever cannot hang Tasklane: rules match in linear time (RE2)', () => {
    h.engine.createTask({ name: 'a', kind: 'echo', input: { value: 1 } });
    h.engine.setIntakeRules({ rules: [{ match: '(a+)+$', task: 'a' }] });
    // JavaScript's own RegExp takes longer than the age of the universe on this one.
    const m = h.engine.sendMessage({ text: `${'a'.repeat(30_000)}!` });
    expect(m).toMatchObject({ status: 'pending', proposal: null });
    expect(errorOf(() => h.engine.setIntakeRules({ rules: [{ match: '(?=lookahead)' }] }))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('RE2 syntax') });
  });

  it('rules and sources are checked: a bad pattern, a task that does not exist, a taken name', () => {
    expect(errorOf(() => h.engine.setIntakeRules({ rules: [{ match: '(' }] }))).toMatchObject({ code: 'INVALID_INPUT', field: 'rules.0.match' });
    expect(errorOf(() => h.engine.setIntakeRules({ rules: [{ task: 'none' }] }))).toMatchObject({ code: 'NOT_FOUND', field: 'rules.0.task' });
    expect(errorOf(() => h.engine.addIntakeSource({ name: 'folder' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
    expect(errorOf(() => h.engine.addIntakeSource({ name: 'Bad Name' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
    h.engine.addIntakeSource({ name: 'ok' });
    expect(errorOf(() => h.engine.addIntakeSource({ name: 'ok' }))).toMatchObject({ code: 'INVALID_INPUT' });
    expect(h.engine.getIntake()).toMatchObject({ sources: [{ name: 'ok', messages: 0 }], rules: [], folder: join(h.dir, 'inbox') });
    expect(JSON.stringify(h.engine.getIntake())).not.toMatch(/token/i);
  });
});

describe('the rules in a setup file', () => {
  it('are exported with the tasks, and imported after them; a bad rule fails the whole import', async () => {
    h.engine.createTask({ name: 'deploy', kind: 'echo', input: { value: 1 } });
    const rules = [{ name: 'deploys', source: 'chat', match: '^deploy (\\w+)', task: 'deploy', input: { value: '{{match.1}}' }, autoApprove: true }];
    h.engine.setIntakeRules({ rules });
    h.engine.addIntakeSource({ name: 'chat' });
    const file = h.engine.exportConfig();
    expect(file.intake).toEqual({ rules });
    expect(Object.keys(file.intake!)).toEqual(['rules']); // sources are not in it: their tokens are the senders'

    const other = createHarness();
    try {
      other.engine.start();
      const bad = { ...file, intake: { rules: [{ ...rules[0], match: '(' }] } };
      expect(() => other.engine.importConfig({ config: bad })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', field: 'config.intake.rules.0.match' }));
      expect(other.engine.listTasks()).toEqual([]);
      expect(other.engine.getIntake().rules).toEqual([]);
      other.engine.importConfig({ config: file });
      expect(other.engine.getIntake()).toMatchObject({ rules, sources: [] });
      expect(other.engine.sendMessage({ source: 'chat', text: 'deploy shop' })).toMatchObject({ status: 'approved', approved: { task: 'deploy', input: { value: 'shop' } } });
    } finally {
      await other.cleanup();
    }
  });
});

describe('the inbox folder', () => {
  it('a .json or .txt file put there is a message, taken once and moved to taken/; other files are left alone', async () => {
    h.engine.createTask({ name: 'a', kind: 'echo', input: { value: 1 } });
    const inbox = join(h.dir, 'inbox');
    writeFileSync(join(inbox, 'order.json'), '{"task": "a"}');
    writeFileSync(join(inbox, 'note.txt'), 'buy milk');
    writeFileSync(join(inbox, 'broken.json'), '{');
    writeFileSync(join(inbox, 'photo.png'), 'png');
    writeFileSync(join(inbox, '.partial.json'), '{');
    expect(h.engine.scanInbox()).toBe(3);
    expect(h.engine.scanInbox()).toBe(0);
    const all = h.engine.listMessages({}).messages;
    expect(all.map((m) => [m.source, m.format, m.status, m.body])).toEqual([
      ['folder', 'json', 'pending', '{"task": "a"}'],
      ['folder', 'text', 'pending', 'buy milk'],
      ['folder', 'json', 'rejected', '{'],
    ]);
    expect(readdirSync(inbox).sort()).toEqual(['.partial.json', 'photo.png', 'taken']);
    expect(readdirSync(join(inbox, 'taken')).sort()).toEqual(['broken.json', 'note.txt', 'order.json']);
  });

  it('is watched: a file put there while Tasklane runs comes in by itself', async () => {
    const came = new Promise((resolve) => h.engine.on('message', resolve));
    writeFileSync(join(h.dir, 'inbox', 'later.txt'), 'hello');
    expect(await came).toMatchObject({ type: 'message', source: 'folder', status: 'pending' });
  });

  it('a file taken just before a crash (stored, not yet moved) is not taken again at the restart', async () => {
    const inbox = join(h.dir, 'inbox');
    writeFileSync(join(inbox, 'once.txt'), 'only once');
    expect(h.engine.scanInbox()).toBe(1);
    // As if the process died between storing the message and moving the file out.
    cpSync(join(inbox, 'taken', 'once.txt'), join(inbox, 'once.txt'), { preserveTimestamps: true });
    await h.engine.stop({ timeoutMs: 0 });
    h.reopen();
    await h.engine.start();
    await settle();
    expect(h.engine.listMessages({}).messages.map((m) => m.body)).toEqual(['only once']);
    expect(existsSync(join(inbox, 'once.txt'))).toBe(false);
    expect(readdirSync(join(inbox, 'taken')).sort()).toEqual(['2-once.txt', 'once.txt']);
    // A file put there while Tasklane was closed is taken at the start.
    await h.engine.stop({ timeoutMs: 0 });
    writeFileSync(join(inbox, 'closed.txt'), 'while closed');
    h.reopen();
    await h.engine.start();
    expect(query<{ body: string }>(h.dbPath, 'SELECT body FROM messages ORDER BY id').map((r) => r.body)).toEqual(['only once', 'while closed']);
    expect(statSync(join(inbox, 'taken', 'closed.txt')).isFile()).toBe(true);
  });
});
