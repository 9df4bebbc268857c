// POST /intake/<source> on a real local host: a message posted with its source's token is
// stored before the answer (202) and proposed by the rules; approving runs it; a malformed
// message is kept, rejected, with its reason; without the source's own token nothing of the
// request is read or kept; an empty body is refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, errorOf, snapshot, type Harness } from '../core/testing/harness';
import { openLocalHost, type LocalHost } from './local-host';

let h: Harness;
let host: LocalHost | null = null;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await host?.close(); host = null; await h.cleanup(); });

const post = (source: string, token: string | null, body: string | Uint8Array, type = 'application/json') =>
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

  it('an empty body is refused and nothing is kept; a body over 1 MiB is kept cut, as rejected', async () => {
    host = await openLocalHost({ dataDir: h.dir, engine: h.engine, port: 0 });
    const { token } = h.engine.addIntakeSource({ name: 'big' });
    const empty = await post('big', token, '', 'text/plain');
    expect(empty).toMatchObject({ status: 400, body: { ok: false, error: { code: 'INVALID_INPUT' } } });
    expect(h.engine.listMessages({}).messages).toEqual([]);
    const big = await post('big', token, 'x'.repeat(1024 * 1024 + 10), 'text/plain');
    expect(big.body.value).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^over 1 MiB/) });
    expect(h.engine.getMessage({ id: big.body.value.id }).body).toHaveLength(1024 * 1024);
    // The token in the address works too (for a sender that cannot set a header).
    const r = await fetch(`${host.url}intake/big?token=${token}`, { method: 'POST', body: 'by address', headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(202);
  });
});
