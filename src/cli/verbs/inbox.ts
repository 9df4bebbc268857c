// Verbs on the intake inbox: the messages (list, show, approve — as proposed or edited —,
// reject, send one), the intake sources and their tokens, and the rules that turn messages
// into proposals.
import { Option } from 'commander';
import { oneLine, parseInteger, table, time } from '../format';
import { out, readJson, readText, verb, type Cli } from '../kit';
import { CommandError } from '../client';
import { readEndpoint } from '../../host/paths';
import { ruleText } from '../../shared/words';
import type { IntakeRule, Message, Proposal } from '../../core/api/types';

const proposalText = (p: Proposal | null) => (p === null ? '-'
  : 'task' in p ? `run ${p.task}${p.input === undefined ? '' : ` with ${JSON.stringify(p.input)}`}`
    : `create task ${JSON.stringify(p.createTask.name ?? '?')}`);
const decisionText = (m: Message) => (m.status === 'pending' ? 'waits for you'
  : `${m.status} by ${m.decidedBy} at ${time(m.decidedAt)}${m.runId !== null ? ` → run ${m.runId}` : m.taskId !== null && m.approved && 'createTask' in m.approved ? ` → task ${m.taskId}` : ''}${m.reason ? `: ${m.reason}` : ''}`);
/** A list's short word for where a message stands (show says who and when). */
const statusText = (m: Message) => (m.status === 'pending' ? (m.proposal ? 'to review' : 'to review: choose a task')
  : m.status === 'approved' ? `approved${m.runId !== null ? ` → run ${m.runId}` : m.taskId !== null ? ` → task ${m.taskId}` : ''}`
    : `rejected${m.reason ? `: ${cut(m.reason, 40)}` : ''}`);
const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const numbered = (r: IntakeRule, i: number) => `${i + 1}. ${r.name ? `${r.name}: ` : ''}${ruleText(r)}`;

export function registerInboxVerbs(cli: Cli): void {
  const { program, client } = cli;

  const inbox = program.command('inbox').description('messages that came in (POST /intake/<source>, the inbox folder): review, approve, reject');
  // `tasklane inbox` alone lists (as `tasklane intake` alone does).
  inbox.command('ls', { isDefault: true }).description('the messages, newest first, with what each proposes and what was decided').option('--json', 'print JSON')
    .addOption(new Option('--status <status>', 'only these').choices(['pending', 'approved', 'rejected']))
    .option('--source <source>', 'only from this source')
    .option('--limit <n>', 'at most this many', parseInteger, 50)
    .action(async (o: { status?: Message['status']; source?: string; limit: number; json?: boolean }) => {
      const page = await client().call('listMessages', { limit: o.limit, ...(o.status && { status: o.status }), ...(o.source && { source: o.source }) });
      out(page, o.json, () => [
        `${page.counts.pending} to review, ${page.counts.approved} approved, ${page.counts.rejected} rejected`,
        ...(page.messages.length ? [table(['ID', 'FROM', 'RECEIVED', 'TEXT', 'PROPOSES', 'STATUS'], page.messages.map((m) => [
          m.id, m.source, time(m.receivedAt), cut(oneLine(m.body.trim()), 40), cut(proposalText(m.proposal), 50), statusText(m)]))] : []),
      ].join('\n'));
    });
  verb(inbox, 'show', 'a message: its text, what it proposes (and which rule), what was decided').argument('<id>', 'the message', parseInteger)
    .action(async (id: number, o: { json?: boolean }) => {
      const m = await client().call('getMessage', { id });
      out(m, o.json, () => [
        `message ${m.id} from ${m.source}, received ${time(m.receivedAt)} (${m.format})`,
        m.body,
        `proposes: ${proposalText(m.proposal)}${m.rule ? ` (${m.rule})` : ''}`,
        ...(m.approved && JSON.stringify(m.approved) !== JSON.stringify(m.proposal) ? [`approved as edited: ${proposalText(m.approved)}`] : []),
        `${m.status === 'pending' && m.reason ? `${m.reason}\n` : ''}${decisionText(m)}`,
      ].join('\n'));
    });
  verb(inbox, 'approve', 'run what a message proposes; --task/--input approve your edit of it instead').argument('<id>', 'the message', parseInteger)
    .option('--task <name>', 'run this task instead')
    .option('--input <json|@file|->', 'with this input (without --task: the proposed task\'s)')
    .action(async (id: number, o: { task?: string; input?: string; json?: boolean }) => {
      const c = client();
      let proposal: Proposal | undefined;
      if (o.task !== undefined || o.input !== undefined) {
        const m = o.task === undefined ? await c.call('getMessage', { id }) : null;
        const task = o.task ?? (m?.proposal && 'task' in m.proposal ? m.proposal.task : undefined);
        if (task === undefined) throw new CommandError({ code: 'INVALID_INPUT', message: `message ${id} proposes no task run: say which with --task`, field: 'task' });
        proposal = { task, ...(o.input !== undefined && { input: readJson(o.input, '--input') }) };
      }
      const m = await c.call('approveMessage', { id, ...(proposal && { proposal }) });
      out(m, o.json, () => `message ${m.id} approved${m.runId !== null ? `: run ${m.runId}` : m.taskId !== null ? `: task ${m.taskId} created` : ''}`);
    });
  verb(inbox, 'reject', 'reject a message (it is kept, with your reason)').argument('<id>', 'the message', parseInteger)
    .option('--reason <text>', 'why')
    .action(async (id: number, o: { reason?: string; json?: boolean }) => {
      const m = await client().call('rejectMessage', { id, ...(o.reason !== undefined && { reason: o.reason }) });
      out(m, o.json, () => `message ${m.id} rejected`);
    });
  verb(inbox, 'send', 'put a message in the inbox yourself (text, @file or -), as if from a source').argument('<text>', 'the message')
    .option('--source <source>', 'as if from this source (its rules apply)', 'cli')
    .option('--json-message', 'the text is JSON (a malformed one is kept, rejected)')
    .action(async (text: string, o: { source: string; jsonMessage?: boolean; json?: boolean }) => {
      const m = await client().call('sendMessage', { source: o.source, text: readText(text), ...(o.jsonMessage && { format: 'json' as const }) });
      out(m, o.json, () => `message ${m.id}: ${m.status === 'pending' ? `proposes ${proposalText(m.proposal)}${m.reason ? ` (${m.reason})` : ''}` : decisionText(m)}`);
    });

  const intake = program.command('intake').description('where messages come from (sources and their tokens, the inbox folder) and the rules that read them');
  intake.command('ls', { isDefault: true }).description('the sources, the inbox folder, and the rules in order').option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const i = await client().call('getIntake', {});
      out(i, o.json, () => [
        i.sources.length ? table(['SOURCE', 'SINCE', 'MESSAGES'], i.sources.map((s) => [s.name, time(s.createdAt), s.messages])) : 'no sources (tasklane intake add <name>)',
        `inbox folder: ${i.folder ?? '-'} (.json and .txt files put there are messages)`,
        i.rules.length ? `rules (the first that takes a message proposes):\n${i.rules.map((r, n) => `  ${numbered(r, n)}`).join('\n')}` : 'no rules: a JSON message {"task", "input"} proposes that run; others wait for you to choose',
      ].join('\n'));
    });
  verb(intake, 'add', 'a source: POST /intake/<name> with the token printed here (shown once)').argument('<name>', 'lowercase letters, digits, - and _')
    .option('--new-token', 'the source exists: give it a new token (the old one stops working)')
    .action(async (name: string, o: { newToken?: boolean; json?: boolean }) => {
      const t = await client().call('addIntakeSource', { name, newToken: Boolean(o.newToken) });
      const port = readEndpoint(cli.dataDir())?.endpoint.port ?? '<port>';
      out({ ...t, url: `http://127.0.0.1:${port}/intake/${t.name}` }, o.json, () => [
        `source ${t.name}: its token (shown only now; tasklane intake add ${t.name} --new-token makes another):`, t.token, '',
        `curl -H "Authorization: Bearer ${t.token}" -H 'Content-Type: text/plain' --data 'hello' http://127.0.0.1:${port}/intake/${t.name}`].join('\n'));
    });
  verb(intake, 'rm', 'remove a source (its token stops working; its messages stay)').argument('<name>')
    .action(async (name: string, o: { json?: boolean }) => {
      const r = await client().call('removeIntakeSource', { name });
      out(r, o.json, () => `source ${r.name} removed`);
    });
  const rule = intake.command('rule').description('the rules that turn messages into proposals (the first that takes a message wins)');
  verb(rule, 'add', 'add a rule at the end (or --at N)')
    .option('--name <name>', 'its name (shown with what it proposes)')
    .option('--source <source>', 'only messages from this source')
    .option('--match <regex>', 'only messages whose text matches ({{match.1}}, {{match.name}} fill in its groups)')
    .option('--task <name>', 'propose a run of this task (without it: the task a JSON message names)')
    .option('--input <json|@file|->', 'with this input; {{message.text}}, {{match.1}}, {{json.a.b}} are filled in (default: the task\'s own, filled in)')
    .option('--auto', 'approve by itself, without asking')
    .option('--at <n>', 'its place in the list (1: first)', parseInteger)
    .action(async (o: { name?: string; source?: string; match?: string; task?: string; input?: string; auto?: boolean; at?: number; json?: boolean }) => {
      const c = client();
      const { rules } = await c.call('getIntake', {});
      const added: IntakeRule = {
        ...(o.name !== undefined && { name: o.name }), ...(o.source !== undefined && { source: o.source }), ...(o.match !== undefined && { match: o.match }),
        ...(o.task !== undefined && { task: o.task }), ...(o.input !== undefined && { input: readJson(o.input, '--input') }), autoApprove: Boolean(o.auto),
      };
      const at = Math.min(Math.max((o.at ?? rules.length + 1) - 1, 0), rules.length);
      const saved = await c.call('setIntakeRules', { rules: [...rules.slice(0, at), added, ...rules.slice(at)] });
      out(saved, o.json, () => `rule ${at + 1} added: ${saved[at].name ? `${saved[at].name}: ` : ''}${ruleText(saved[at])}`);
    });
  verb(rule, 'rm', 'remove a rule by its number (tasklane intake ls lists them)').argument('<n>', 'its number', parseInteger)
    .action(async (n: number, o: { json?: boolean }) => {
      const c = client();
      const { rules } = await c.call('getIntake', {});
      if (n < 1 || n > rules.length) throw new CommandError({ code: 'INVALID_INPUT', message: `there ${rules.length === 1 ? 'is 1 rule' : `are ${rules.length} rules`}; there is no rule ${n}` });
      const saved = await c.call('setIntakeRules', { rules: rules.filter((_, i) => i !== n - 1) });
      out(saved, o.json, () => `rule ${n} removed`);
    });
}
