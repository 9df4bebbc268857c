// The inbox on a real database and a real inbox folder: a message becomes a proposal,
// approval runs it, a rejection is kept, a rule approves by itself (only what it may), values
// from a message are never code nor a secret's name, and a file put in the folder is taken
// once, even across a restart that came between storing it and moving it. (The intake
// route, POST /intake/<source>, is tested with the host: src/host/intake.test.ts.)
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, errorOf, query, settle, snapshot, type Harness } from '../testing/harness';
import { fillInput, FillError } from '../util/fill-in';

let h: Harness;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await h.cleanup(); });

describe('a message in the inbox', () => {
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
    // Such a rule approves by itself only a task run as saved: an input of the sender's own,
    // or a new task, waits for the person (a token is the sender's, not yours).
    const own = h.engine.sendMessage({ source: 'ci', text: '{"task": "shout", "input": {"value": "rm -rf ~"}}' });
    const made = h.engine.sendMessage({ source: 'ci', text: '{"createTask": {"name": "x", "kind": "echo", "input": {"value": 1}}}' });
    for (const m2 of [own, made]) expect(m2).toMatchObject({ status: 'pending', reason: 'rule 2 approves by itself only a run of a task with its own input; this one waits for you' });
    expect(h.engine.sendMessage({ source: 'ci', text: '{"task": "shout"}' })).toMatchObject({ status: 'approved', decidedBy: 'rule 2' });
  });

  it('a message\'s text in a command line run through the shell is a variable, never shell code: in the command, its args, in double quotes', async () => {
    const work = mkdtempSync(join(tmpdir(), 'tasklane-inbox-'));
    try {
      h.engine.createTask({ name: 'say', kind: 'shell', input: { command: 'echo {{message.text}}; echo', args: ['"{{message.text}}"', '{{match.1}}'], shell: true, cwd: work } });
      h.engine.setIntakeRules({ rules: [{ match: '^(.*)$', task: 'say' }] });
      const text = "hi $(touch PWNED) `touch PWNED2`; touch PWNED3 'x' \"y\"";
      const m = h.engine.sendMessage({ text });
      expect(m.proposal).toMatchObject({ task: 'say', input: { command: 'echo "$TASKLANE_VALUE_1"; echo', args: ['""$TASKLANE_VALUE_2""', '"$TASKLANE_VALUE_3"'] } });
      const input = (m.proposal as { input: { command: string; args: string[]; env: Record<string, string> } }).input;
      expect(JSON.stringify([input.command, input.args])).not.toContain('touch'); // the text is in the environment only
      expect(input.env.TASKLANE_VALUE_1).toBe(text);
      const { runId } = h.engine.approveMessage({ id: m.id });
      for (let i = 0; i < 300 && h.engine.getRun({ id: runId! }).status !== 'succeeded'; i++) { await new Promise((r) => setTimeout(r, 10)); await settle(); }
      const said = h.engine.getLogs({ runId: runId! }).lines.map((l) => l.text);
      expect(said[0]).toBe(text);
      expect(readdirSync(work)).toEqual([]); // nothing was touched
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('a message cannot name a secret: {{secret.NAME}} in its text stays text', () => {
    h.engine.createTask({ name: 'ping', kind: 'echo', input: { value: 'you said {{message.text}}' }, secrets: { API_TOKEN: 'tl-secret-value' } });
    h.engine.setIntakeRules({ rules: [{ task: 'ping' }] });
    const m = h.engine.sendMessage({ text: 'give me {{secret.API_TOKEN}}' });
    const value = ((m.proposal as { input: { value: string } }).input).value;
    expect(value).not.toMatch(/\{\{\s*secret\./);
    expect(value.replace(/\u2060/g, '')).toBe('you said give me {{secret.API_TOKEN}}');
  });

  it('on Windows a value is refused in a command line run through the shell (cmd.exe would run it), and said why', () => {
    expect(() => fillInput('shell', { command: 'echo {{message.text}}', shell: true }, () => '& calc', 'win32')).toThrowError(FillError);
    expect(fillInput('shell', { command: 'echo', args: ['{{message.text}}'] }, () => '& calc', 'win32')).toMatchObject({ args: ['& calc'] });
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
  /** A file as a person leaves it: written, then not changed for a while. */
  const put = (name: string, text: string) => {
    const path = join(h.dir, 'inbox', name);
    writeFileSync(path, text);
    const before = new Date(Date.now() - 60_000);
    utimesSync(path, before, before);
  };

  it('a .json or .txt file put there is a message, taken once and moved to taken/; other files, links and dot names are left alone', async () => {
    h.engine.createTask({ name: 'a', kind: 'echo', input: { value: 1 } });
    const inbox = join(h.dir, 'inbox');
    put('order.json', '{"task": "a"}');
    put('note.txt', 'buy milk');
    put('broken.json', '{');
    put('photo.png', 'png');
    put('.partial.json', '{');
    symlinkSync(join(h.dir, 'tasklane.db'), join(inbox, 'link.txt'));
    expect(h.engine.scanInbox()).toBe(3);
    expect(h.engine.scanInbox()).toBe(0);
    const all = h.engine.listMessages({}).messages;
    expect(all.map((m) => [m.source, m.format, m.status, m.body])).toEqual([
      ['folder', 'json', 'pending', '{"task": "a"}'],
      ['folder', 'text', 'pending', 'buy milk'],
      ['folder', 'json', 'rejected', '{'],
    ]);
    expect(readdirSync(inbox).sort()).toEqual(['.partial.json', 'link.txt', 'photo.png', 'taken']);
    expect(readdirSync(join(inbox, 'taken')).sort()).toEqual(['broken.json', 'note.txt', 'order.json']);
  });

  it('the same file put there again later is a new message; a file still being written waits for the next look', async () => {
    put('milk.txt', 'buy milk');
    expect(h.engine.scanInbox()).toBe(1);
    put('milk.txt', 'buy milk');
    expect(h.engine.scanInbox()).toBe(1);
    expect(h.engine.listMessages({}).messages.map((m) => m.body)).toEqual(['buy milk', 'buy milk']);
    writeFileSync(join(h.dir, 'inbox', 'fresh.txt'), 'half a mess');
    expect(h.engine.scanInbox()).toBe(0);
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(h.dir, 'inbox', 'fresh.txt'), past, past);
    expect(h.engine.scanInbox()).toBe(1);
  });

  it('is watched: a file moved in while Tasklane runs comes in by itself', async () => {
    const came = new Promise((resolve) => h.engine.on('message', resolve));
    put('.later.txt', 'hello');
    renameSync(join(h.dir, 'inbox', '.later.txt'), join(h.dir, 'inbox', 'later.txt'));
    expect(await came).toMatchObject({ type: 'message', source: 'folder', status: 'pending' });
  });

  it('a file taken just before a crash (stored, not yet moved) is not taken again at the restart', async () => {
    const inbox = join(h.dir, 'inbox');
    put('once.txt', 'only once');
    expect(h.engine.scanInbox()).toBe(1);
    await h.engine.stop({ timeoutMs: 0 });
    // As if the process died between storing the message and moving the file out: the file
    // is where it was, and the message still holds its key.
    renameSync(join(inbox, 'taken', 'once.txt'), join(inbox, 'once.txt'));
    const db = new Database(h.dbPath);
    db.prepare('UPDATE messages SET file_key = ?').run(`once.txt:${createHash('sha256').update('only once').digest('hex')}`);
    db.close();
    h.reopen();
    await h.engine.start();
    await settle();
    expect(h.engine.listMessages({}).messages.map((m) => m.body)).toEqual(['only once']);
    expect(existsSync(join(inbox, 'once.txt'))).toBe(false);
    expect(readdirSync(join(inbox, 'taken'))).toEqual(['once.txt']);
    // A file put there while Tasklane was closed is taken at the start.
    await h.engine.stop({ timeoutMs: 0 });
    put('closed.txt', 'while closed');
    h.reopen();
    await h.engine.start();
    expect(query<{ body: string }>(h.dbPath, 'SELECT body FROM messages ORDER BY id').map((r) => r.body)).toEqual(['only once', 'while closed']);
    expect(statSync(join(inbox, 'taken', 'closed.txt')).isFile()).toBe(true);
    expect(query(h.dbPath, 'SELECT id FROM messages WHERE file_key IS NOT NULL')).toEqual([]);
  });
});
