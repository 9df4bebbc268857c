// The intake inbox: messages come in (POST /intake/<source> with that source's token, a file
// put in the inbox folder, or sendMessage), each is stored before it is acknowledged, and the
// person's rules turn it into a proposal: run task T with an input filled in from the message,
// or, for a JSON message that names them ({"task", "input"} or {"createTask": {…}}), that run
// or that new task. The person approves it (it runs), edits then approves it, or rejects it;
// a rule may approve by itself. Every decision is kept: who, when, what ran.
//
// A message's modes:
//   pending   a proposal (or none: no rule matched) waits for the person. approve → approved
//             (the run is made, or the task, in the same transaction); reject → rejected.
//   approved  final: what was approved, by whom, when, and the run or task it made.
//   rejected  final: by the person (with their reason), or at intake for a malformed
//             message (not JSON though it said so, over the size limit), which is kept.
// A rule that approves by itself does so as the message is stored; if what it proposes
// cannot be made (its task is gone, its input is refused), the message stays pending, with
// the reason.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { RE2JS, type Matcher } from 're2js';
import type Database from 'better-sqlite3';
import type { Intake, IntakeRule, IntakeToken, Message, MessagePage, MessageStatus, Proposal } from '../api/types';
import type { CallContext, CommandInput, CommandName, CommandReturn } from '../api/contract';
import { MESSAGE_LIMIT } from '../api/schemas';
import type { EventBus } from '../events';
import { settingsStore } from '../db/settings';
import { TasklaneError } from '../errors';
import type { Clock } from '../ports';
import { fillInput, FillError } from '../util/fill-in';
import type { TaskRow } from '../tasks/task-store';
import type { NewRun } from '../db/run-store';
import type { Enqueuer } from '../runs/enqueue';

/** A list shows this much of each message's body (getMessage: all of it). */
export const LIST_BODY_CHARS = 4000;
/** A rule's pattern reads this much of a message. */
const MATCHED_CHARS = 64 * 1024;

interface SourceRow { name: string; tokenHash: string; createdAt: number }
interface IntakeSettings { sources: SourceRow[]; rules: IntakeRule[] }

interface MessageRow {
  id: number; source: string; receivedAt: number; format: 'text' | 'json'; body: string; status: MessageStatus;
  proposal: string | null; rule: string | null; reason: string | null; decidedAt: number | null; decidedBy: string | null;
  approved: string | null; runId: number | null; taskId: number | null;
}
const COLUMNS = `id, source, received_at AS receivedAt, format, body, status, proposal, rule, reason,
  decided_at AS decidedAt, decided_by AS decidedBy, approved, run_id AS runId, task_id AS taskId`;

const toMessage = (r: MessageRow, bodyChars = Infinity): Message => ({
  ...r, body: r.body.length > bodyChars ? r.body.slice(0, bodyChars) : r.body, cut: r.body.length > bodyChars,
  proposal: r.proposal === null ? null : (JSON.parse(r.proposal) as Proposal),
  approved: r.approved === null ? null : (JSON.parse(r.approved) as Proposal),
});
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** What came in: its text and whether it says it is JSON (a file's .json, a JSON content type). */
export interface Incoming { source: string; text: string; format?: 'text' | 'json'; fileKey?: string; truncated?: boolean }

export interface InboxDeps {
  sqlite: Database.Database;
  clock: Clock;
  bus: Pick<EventBus, 'emit'>;
  taskByName(name: string): TaskRow | undefined;
  /** An approved run of a task, as runTask makes it (its input, or the task's own). */
  runOf(task: TaskRow, input: unknown): NewRun;
  /** Writes runs in the caller's transaction; afterInsert tells the loop once it committed. */
  enqueuer: Pick<Enqueuer, 'insertRows' | 'afterInsert'>;
  /** The contract's commands (createTask), checked by their schemas. */
  invoke<N extends CommandName>(name: N, input: CommandInput<N>, call: CallContext): CommandReturn<N>;
  /** The inbox folder, or null without a data folder. */
  folder: string | null;
}

/** The values a rule fills in: {{message.text}}, {{message.source}}, {{message.id}},
 *  {{match.1}} or {{match.name}} (the pattern's groups), {{json.a.b}} (a JSON message's). */
function variables(m: { id: number; source: string; text: string }, match: Matcher | null, json: unknown): (name: string) => string | undefined {
  const str = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
  return (name) => {
    const [head, ...path] = name.split('.');
    if (head === 'message') return path.length === 1 ? str(({ text: m.text, source: m.source, id: m.id } as Record<string, unknown>)[path[0]]) : undefined;
    if (head === 'match' && match && path.length === 1) {
      try { return str(/^\d+$/.test(path[0]) ? match.group(Number(path[0])) ?? undefined : match.group(path[0]) ?? undefined); } catch { return undefined; }
    }
    if (head === 'json' && json !== undefined) {
      let v: unknown = json;
      for (const k of path) v = v && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined;
      return str(v);
    }
    return undefined;
  };
}

/** A JSON message that names what it wants: {"task", "input"?} or {"createTask": {…}}. */
function named(json: unknown): Proposal | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const j = json as Record<string, unknown>;
  if (typeof j.task === 'string' && j.task) return j.input === undefined ? { task: j.task } : { task: j.task, input: j.input };
  if (j.createTask && typeof j.createTask === 'object' && !Array.isArray(j.createTask)) return { createTask: j.createTask as Record<string, unknown> };
  return null;
}

export function createInbox(d: InboxDeps) {
  const stored = settingsStore(d.sqlite);
  const insert = d.sqlite.prepare<[string, number, string, string, string | null]>(
    `INSERT INTO messages (source, received_at, format, body, file_key, status) VALUES (?, ?, ?, ?, ?, 'pending')`);
  const byId = d.sqlite.prepare<[number], MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE id = ?`);
  const byFile = d.sqlite.prepare<[string], number>(`SELECT id FROM messages WHERE file_key = ?`).pluck();
  const forgetFile = d.sqlite.prepare<[string]>(`UPDATE messages SET file_key = NULL WHERE file_key = ?`);
  const fileKeys = d.sqlite.prepare<[], string>(`SELECT file_key FROM messages WHERE file_key IS NOT NULL`).pluck();
  const setProposal = d.sqlite.prepare<[string, string | null, string | null, string | null, number]>(
    `UPDATE messages SET status = ?, proposal = ?, rule = ?, reason = ? WHERE id = ?`);
  const setDecision = d.sqlite.prepare<[string, number, string, string | null, string | null, number | null, number | null, number]>(
    `UPDATE messages SET status = ?, decided_at = ?, decided_by = ?, approved = ?, reason = ?, run_id = ?, task_id = ? WHERE id = ? AND status = 'pending'`);
  const setReason = d.sqlite.prepare<[string | null, number]>(`UPDATE messages SET reason = ? WHERE id = ?`);
  const countBy = d.sqlite.prepare<[], { status: MessageStatus; n: number }>(`SELECT status, count(*) AS n FROM messages GROUP BY status`);
  const perSource = d.sqlite.prepare<[], { source: string; n: number }>(`SELECT source, count(*) AS n FROM messages GROUP BY source`);

  // Rules' patterns, compiled once (RE2: linear time, whatever a message holds).
  const patterns = new Map<string, RE2JS>();
  const compiled = (p: string) => { let c = patterns.get(p); if (!c) { c = RE2JS.compile(p); patterns.set(p, c); } return c; };
  const load = (): IntakeSettings => ({ sources: [], rules: [], ...stored.read<IntakeSettings>('intake') });
  let settings = load();
  const save = (next: IntakeSettings) => { stored.write('intake', next); settings = next; };

  const mustGet = (id: number): MessageRow => {
    const row = byId.get(id);
    if (!row) throw new TasklaneError('NOT_FOUND', `message ${id} does not exist`, 'id');
    return row;
  };
  const told = (row: MessageRow) => d.bus.emit({ type: 'message', id: row.id, source: row.source, status: row.status });

  /** What the rules make of a message (the first rule that takes it), else what it names. */
  function propose(m: { id: number; source: string; text: string }, json: unknown): { proposal: Proposal | null; rule: string | null; reason: string | null; auto: boolean } {
    for (const [i, r] of settings.rules.entries()) {
      if (r.source !== undefined && r.source !== m.source) continue;
      let match: Matcher | null = null;
      if (r.match !== undefined) {
        match = compiled(r.match).matcher(m.text.slice(0, MATCHED_CHARS));
        if (!match.find()) continue;
      }
      const rule = r.name ?? `rule ${i + 1}`;
      if (r.task === undefined) {
        const p = named(json);
        if (!p) continue;
        // A sender may ask by itself for a run of a task as it is saved; a run with an input
        // of its own, or a new task, waits for the person (the token is the sender's, not yours).
        const plain = 'task' in p && p.input === undefined;
        return { proposal: p, rule, auto: r.autoApprove && plain,
          reason: r.autoApprove && !plain ? `${rule} approves by itself only a run of a task with its own input; this one waits for you` : null };
      }
      const task = d.taskByName(r.task);
      if (!task) return { proposal: { task: r.task }, rule, reason: `task '${r.task}' does not exist (any more): edit the proposal, or reject it`, auto: false };
      const template = r.input !== undefined ? r.input : JSON.parse(task.input);
      let input: unknown;
      try {
        input = fillInput(task.kind, template, variables(m, match, json));
      } catch (e) {
        if (!(e instanceof FillError)) throw e;
        return { proposal: { task: r.task }, rule, reason: `${e.message}; edit the proposal, or reject it`, auto: false };
      }
      const same = r.input === undefined && JSON.stringify(input) === JSON.stringify(template);
      return { proposal: same ? { task: r.task } : { task: r.task, input }, rule, reason: null, auto: r.autoApprove };
    }
    const p = named(json);
    if (p) return { proposal: p, rule: null, reason: null, auto: false };
    return { proposal: null, rule: null, reason: 'no rule matched: choose a task for it, or reject it', auto: false };
  }

  /** Makes what `p` says (a run, or a task) and records the decision, in the caller's
   *  transaction; `after` tells the loop about the run once that has committed. */
  function approveRow(row: MessageRow, p: Proposal, by: string, call: CallContext): { row: MessageRow; after: () => void } {
    let runId: number | null = null;
    let taskId: number | null = null;
    let after = () => {};
    if ('task' in p) {
      const task = d.taskByName(p.task);
      if (!task) throw new TasklaneError('NOT_FOUND', `proposal.task: there is no task named '${p.task}'`, 'proposal.task');
      const run = d.runOf(task, p.input);
      const { results, events } = d.enqueuer.insertRows([run]);
      runId = results[0].id;
      taskId = task.id;
      after = () => d.enqueuer.afterInsert([run], events);
    } else {
      taskId = d.invoke('createTask', p.createTask as CommandInput<'createTask'>, call).id;
    }
    setDecision.run('approved', d.clock.now(), by, JSON.stringify(p), null, runId, taskId, row.id);
    return { row: byId.get(row.id)!, after };
  }

  /** Stores a message, proposes, and (a rule saying so) approves it; one transaction, then told. */
  function receive(m: Incoming): Message {
    const now = d.clock.now();
    let after = () => {};
    const outcome = d.sqlite.transaction((): MessageRow | null => {
      if (m.fileKey !== undefined && byFile.get(m.fileKey) !== undefined) return null;
      let json: unknown;
      let malformed: string | null = m.truncated ? `over ${MESSAGE_LIMIT / 1024 / 1024} MiB: its first MiB is kept` : null;
      const format = m.format ?? (/^\s*\{/.test(m.text) && parses(m.text) ? 'json' : 'text');
      if (format === 'json' && !malformed) {
        try { json = JSON.parse(m.text); } catch (e) { malformed = `not valid JSON: ${(e as Error).message}`; }
      }
      const id = Number(insert.run(m.source, now, format, m.text, m.fileKey ?? null).lastInsertRowid);
      if (malformed) {
        setDecision.run('rejected', now, 'intake', null, malformed, null, null, id);
        return byId.get(id)!;
      }
      const p = propose({ id, source: m.source, text: m.text }, json);
      setProposal.run('pending', p.proposal && JSON.stringify(p.proposal), p.rule, p.reason, id);
      const row = byId.get(id)!;
      if (!p.auto || !p.proposal) return row;
      const rule = p.rule!.startsWith('rule ') ? p.rule! : `rule '${p.rule}'`;
      try {
        const done = d.sqlite.transaction(() => approveRow(row, p.proposal!, rule, { origin: 'api' }))();
        after = done.after;
        return done.row;
      } catch (e) {
        setReason.run(`${rule} could not approve it: ${(e as Error).message}`, id);
        return byId.get(id)!;
      }
    })();
    if (!outcome) return toMessage(byId.get(byFile.get(m.fileKey!)!)!);
    after();
    told(outcome);
    return toMessage(outcome);
  }

  return {
    receive,
    /** A file of the inbox folder was moved out: the same file again is a new message. */
    forgetFile: (fileKey: string) => { forgetFile.run(fileKey); },
    /** At start: the keys of files no longer in the folder (moved out just before a crash) go. */
    forgetFilesBut(names: ReadonlySet<string>): void {
      for (const key of fileKeys.all()) if (!names.has(key.slice(0, key.lastIndexOf(':')))) forgetFile.run(key);
    },
    /** The source whose token this is, checked in constant time; null: none. */
    sourceFor(name: string, token: string | undefined): string | null {
      const s = settings.sources.find((x) => x.name === name);
      if (!s || !token) return null;
      const a = Buffer.from(hashToken(token), 'hex');
      const b = Buffer.from(s.tokenHash, 'hex');
      return a.length === b.length && timingSafeEqual(a, b) ? s.name : null;
    },

    commands: {
      listMessages({ status, source, beforeId, limit }: { status?: MessageStatus; source?: string; beforeId?: number; limit: number }): MessagePage {
        const where: string[] = [];
        const args: (string | number)[] = [];
        if (status) { where.push('status = ?'); args.push(status); }
        if (source) { where.push('source = ?'); args.push(source); }
        if (beforeId) { where.push('id < ?'); args.push(beforeId); }
        const rows = d.sqlite.prepare<(string | number)[], MessageRow>(
          `SELECT ${COLUMNS} FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`).all(...args, limit + 1);
        const counts: Record<MessageStatus, number> = { pending: 0, approved: 0, rejected: 0 };
        for (const c of countBy.all()) counts[c.status] = c.n;
        return { messages: rows.slice(0, limit).map((r) => toMessage(r, LIST_BODY_CHARS)), more: rows.length > limit, counts };
      },
      getMessage: ({ id }: { id: number }): Message => toMessage(mustGet(id)),
      sendMessage: ({ source, text, format }: { source: string; text: string; format?: 'text' | 'json' }): Message =>
        receive({ source, text, ...(format && { format }) }),
      approveMessage({ id, proposal }: { id: number; proposal?: Proposal }, call: CallContext): Message {
        const { row, after } = d.sqlite.transaction(() => {
          const m = mustGet(id);
          if (m.status !== 'pending') throw new TasklaneError('INVALID_TRANSITION', `message ${id} was ${m.status} already`, 'id');
          const p = proposal ?? toMessage(m).proposal;
          if (!p) throw new TasklaneError('INVALID_INPUT', `message ${id} proposes nothing: give a proposal (a task, and its input if not the task's own)`, 'proposal');
          return approveRow(m, p, call.origin, call);
        })();
        after();
        told(row);
        return toMessage(row);
      },
      rejectMessage({ id, reason }: { id: number; reason?: string }, call: CallContext): Message {
        const row = d.sqlite.transaction(() => {
          const m = mustGet(id);
          if (m.status !== 'pending') throw new TasklaneError('INVALID_TRANSITION', `message ${id} was ${m.status} already`, 'id');
          setDecision.run('rejected', d.clock.now(), call.origin, null, reason ?? null, null, null, id);
          return byId.get(id)!;
        })();
        told(row);
        return toMessage(row);
      },
      getIntake(): Intake {
        const counts = new Map(perSource.all().map((r) => [r.source, r.n]));
        return {
          sources: settings.sources.map((s) => ({ name: s.name, createdAt: s.createdAt, messages: counts.get(s.name) ?? 0 })),
          rules: settings.rules,
          folder: d.folder,
        };
      },
      addIntakeSource({ name, newToken }: { name: string; newToken: boolean }): IntakeToken {
        const exists = settings.sources.some((s) => s.name === name);
        if (exists && !newToken) throw new TasklaneError('INVALID_INPUT', `a source named '${name}' exists; ask for a new token for it (newToken), or choose another name`, 'name');
        if (!exists && newToken) throw new TasklaneError('NOT_FOUND', `there is no source named '${name}'`, 'name');
        const token = randomBytes(24).toString('base64url');
        const row = { name, tokenHash: hashToken(token), createdAt: exists ? settings.sources.find((s) => s.name === name)!.createdAt : d.clock.now() };
        save({ ...settings, sources: [...settings.sources.filter((s) => s.name !== name), row] });
        return { name, token };
      },
      removeIntakeSource({ name }: { name: string }): { name: string } {
        if (!settings.sources.some((s) => s.name === name)) throw new TasklaneError('NOT_FOUND', `there is no source named '${name}'`, 'name');
        save({ ...settings, sources: settings.sources.filter((s) => s.name !== name) });
        return { name };
      },
      setIntakeRules({ rules }: { rules: IntakeRule[] }): IntakeRule[] {
        rules.forEach((r, i) => {
          if (r.task !== undefined && !d.taskByName(r.task)) throw new TasklaneError('NOT_FOUND', `rules.${i}.task: there is no task named '${r.task}'`, `rules.${i}.task`);
        });
        save({ ...settings, rules });
        return rules;
      },
    },
    /** Read again after a transaction that may have rolled back (an import). */
    reload: () => { settings = load(); },
  };
}

function parses(text: string): boolean {
  try { JSON.parse(text); return true; } catch { return false; }
}

export type Inbox = ReturnType<typeof createInbox>;
