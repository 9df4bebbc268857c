// Verbs on the setup and the app itself: export, import, plugins, serve, service (start at
// login), completion.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { DEFAULT_PORT } from '../../host/paths';
import { completionScript } from '../completion';
import { parseDuration, parseInteger, table } from '../format';
import { findTask, out, readJson, verb, type Cli } from '../kit';
import type { NotifyPolicy } from '../../core/api/types';
import { typedDuration } from '../../shared/duration';
import { NOTICE_LIMITS, NOTICE_SWITCHES } from '../../shared/words';
import { CommandError } from '../client';
import { installService, serviceStatus, uninstallService, type ServiceState } from '../service';

// The command that was run (bin/tasklane.js), which a service runs at login; from the sources
// when run otherwise (tests import the CLI).
const tasklaneScript = /tasklane(\.js)?$/.test(process.argv[1] ?? '') ? process.argv[1] : fileURLToPath(new URL('../../../bin/tasklane.js', import.meta.url));

export function registerSetupVerbs(cli: Cli): void {
  const { program, client, dataDir } = cli;

  verb(program, 'serve', 'run Tasklane without a window: the engine, the window\'s page and the API on 127.0.0.1')
    .option('--port <port>', 'port (another free one if it is taken)', parseInteger, DEFAULT_PORT)
    .option('--metrics', 'expose Prometheus metrics at /metrics (as "metrics": true in settings.json in the data folder does)')
    .action(async (o: { port: number; metrics?: boolean; json?: boolean }) => {
      // Loaded only here: the other verbs are clients and start faster without the engine.
      const { serve } = await import('../../host/serve');
      await serve({ dataDir: dataDir(), port: o.port, metrics: Boolean(o.metrics), json: Boolean(o.json) });
    });

  verb(program, 'export', 'write lanes, tasks and schedules to a JSON file (- for standard output)').argument('<file>')
    .action(async (file: string, o: { json?: boolean }) => {
      const config = await client().call('exportConfig', {});
      const text = `${JSON.stringify(config, null, 2)}\n`;
      if (file === '-') { process.stdout.write(text); return; }
      writeFileSync(file, text);
      out({ file, lanes: config.lanes.length, tasks: config.tasks.length }, o.json,
        () => `exported ${config.lanes.length} lane(s) and ${config.tasks.length} task(s) to ${file}`);
    });
  verb(program, 'import', 'read lanes, tasks and schedules from a JSON file (- for standard input); all or nothing').argument('<file>')
    .action(async (file: string, o: { json?: boolean }) => {
      const config = readJson(file === '-' ? '-' : `@${file}`, file);
      const result = await client().call('importConfig', { config });
      out(result, o.json, () => `imported ${result.lanes} lane(s) and ${result.tasks} task(s)`);
    });

  verb(program, 'plugins', 'list the plugins in <data folder>/plugins; --reload loads them again')
    .option('--reload', 'load the plugins folder again (after adding or fixing one)')
    .action(async (o: { reload?: boolean; json?: boolean }) => {
      const list = o.reload ? await client().call('reloadPlugins', {}) : await client().call('listPlugins', {});
      out(list, o.json, () => (list.length
        ? table(['KIND', 'FILE', 'LOADED'], list.map((p) => [p.kind, p.file, p.ok ? 'yes' : `no: ${p.error}`]))
        : 'no plugins (put .js or .mjs files in the plugins folder of the data folder)'));
    });

  /** An object schema's fields as a table: name, needed, what it takes (type, choices, bounds), default. */
  type Prop = { type?: string | string[]; enum?: unknown[]; default?: unknown; format?: string; minimum?: number; maximum?: number; anyOf?: Prop[] };
  const takes = (p: Prop): string => {
    if (p.anyOf) return p.anyOf.map(takes).join(' or ');
    const base = p.enum ? p.enum.join('|') : p.format ?? (Array.isArray(p.type) ? p.type.join('|') : p.type) ?? 'any';
    const bounds = p.minimum !== undefined && p.maximum !== undefined ? ` ${p.minimum}–${p.maximum}` : p.minimum !== undefined ? ` ≥ ${p.minimum}` : p.maximum !== undefined ? ` ≤ ${p.maximum}` : '';
    return base + bounds;
  };
  const fieldTable = (schema: Record<string, unknown>) => {
    const props = (schema.properties ?? {}) as Record<string, Prop>;
    const required = new Set((schema.required ?? []) as string[]);
    return table(['FIELD', 'NEEDED', 'TAKES', 'DEFAULT'], Object.entries(props).map(([name, p]) => [
      `  ${name}`, required.has(name) ? 'yes' : '', takes(p), p.default === undefined ? '' : JSON.stringify(p.default)]));
  };

  // The notification policy: global, and a task's own over it.
  const LIMIT_FLAGS = { slowSuccessMs: 'slow-success', runningLongerThanMs: 'running-longer' } as const;
  const policyText = (p: Partial<NotifyPolicy>) => [
    ...NOTICE_SWITCHES.filter(([k]) => p[k] !== undefined).map(([k, words]) => `  ${p[k] ? 'yes' : 'no '}  ${words}`),
    ...NOTICE_LIMITS.filter(([k]) => p[k] !== undefined).map(([k, words]) => `  ${p[k] === null ? 'no ' : 'yes'}  ${words}${p[k] === null ? '…' : ` ${typedDuration(p[k] as number)}`}`),
  ].join('\n');
  const notices = program.command('notices').description('what Tasklane tells you on its own (failures, dead runs, slow ones, missed fires), and when');
  verb(notices, 'show', 'the notification policy, and the tasks that have their own')
    .action(async (o: { json?: boolean }) => {
      const c = client();
      const [policy, tasks] = await Promise.all([c.call('getNotifyPolicy', {}), c.call('listTasks', {})]);
      const own = tasks.filter((t) => t.notify !== null).map((t) => ({ task: t.name, notify: t.notify! }));
      out({ policy, tasks: own }, o.json, () => [`Tell me when:`, policyText(policy), ...own.map((t) => `task ${t.task}, its own:\n${policyText(t.notify)}`)].join('\n'));
    });
  const onOff = (v: string) => {
    if (v === 'on' || v === 'yes') return true;
    if (v === 'off' || v === 'no') return false;
    throw new CommandError({ code: 'INVALID_INPUT', message: `'${v}' is neither on nor off` });
  };
  const limit = (v: string) => (v === 'off' ? null : parseDuration(v));
  let set = verb(notices, 'set', 'change the policy (or, with --task, that task\'s own): --failed on|off, --slow-success 10m|off, …')
    .option('--task <task>', 'this task\'s own policy (what it does not say follows the global one)');
  for (const [k, words] of NOTICE_SWITCHES) set = set.option(`--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} <on|off>`, `notify when ${words}`, onOff);
  for (const [k, words] of NOTICE_LIMITS) set = set.option(`--${LIMIT_FLAGS[k]} <duration|off>`, `notify when ${words} this long`, limit);
  set.action(async (o: Partial<Record<string, boolean | number | null | string>> & { task?: string; json?: boolean }) => {
    const patch: Partial<NotifyPolicy> = {};
    for (const [k] of NOTICE_SWITCHES) if (o[k] !== undefined) (patch as Record<string, unknown>)[k] = o[k];
    if (o.slowSuccess !== undefined) patch.slowSuccessMs = o.slowSuccess as number | null;
    if (o.runningLonger !== undefined) patch.runningLongerThanMs = o.runningLonger as number | null;
    if (!Object.keys(patch).length) throw new CommandError({ code: 'INVALID_INPUT', message: 'say what to change, e.g. --succeeded on or --slow-success 10m (tasklane notices set --help)' });
    const c = client();
    if (o.task !== undefined) {
      const t = await findTask(c, o.task);
      const saved = await c.call('updateTask', { id: t.id, notify: { ...t.notify, ...patch } });
      out(saved, o.json, () => `task ${saved.name}, its own:\n${policyText(saved.notify ?? {})}`);
      return;
    }
    const policy = await c.call('setNotifyPolicy', patch);
    out(policy, o.json, () => `Tell me when:\n${policyText(policy)}`);
  });
  verb(notices, 'reset', 'a task follows the global policy again').argument('<task>', 'name or id')
    .action(async (key: string, o: { json?: boolean }) => {
      const c = client();
      const t = await findTask(c, key);
      const saved = await c.call('updateTask', { id: t.id, notify: null });
      out(saved, o.json, () => `task ${saved.name} follows the global policy`);
    });

  verb(program, 'kinds', 'the kinds of work (built in and plugins) and what each one\'s input takes')
    .argument('[kind]', 'only this kind, with all its fields')
    .action(async (only: string | undefined, o: { json?: boolean }) => {
      const list = (await client().call('listKinds', {})).filter((k) => only === undefined || k.name === only);
      if (only !== undefined && !list.length) throw new CommandError({ code: 'INVALID_INPUT', message: `there is no kind '${only}'; see tasklane kinds` });
      out(list, o.json, () => list.map((k) => [`${k.name}${k.builtIn ? '' : ' (plugin)'}`, fieldTable(k.schema)].join('\n')).join('\n\n'));
    });

  verb(program, 'schema', 'what a command of the API takes: its fields, bounds and defaults (--json: the JSON Schema)')
    .argument('[command]', 'a command name, e.g. enqueue or createTask (without one: every command\'s name)')
    .action(async (name: string | undefined, o: { json?: boolean }) => {
      if (name === undefined) {
        // Read here, not at start: the contract loads every schema (zod), which other verbs never need.
        const { COMMAND_NAMES, COMMANDS } = await import('../../core/api/contract');
        const all = COMMAND_NAMES.map((n) => ({ name: n, mutates: COMMANDS[n].mutates }));
        out(all, o.json, () => table(['COMMAND', 'DOES'], all.map((c) => [c.name, c.mutates ? 'writes' : 'reads'])));
        return;
      }
      const info = await client().call('describeCommand', { name });
      out(info, o.json, () => `${info.name} (${info.mutates ? 'writes' : 'reads'})\n${fieldTable(info.input)}`);
    });

  const service = program.command('service').description('start Tasklane (tasklane serve) at login: a systemd user unit, a launchd agent or a Task Scheduler entry');
  const said = (s: ServiceState) => `${s.detail}\n${s.file}`;
  verb(service, 'install', 'write the service file and start it (now and at every login)')
    .option('--port <port>', 'the port serve takes', parseInteger, DEFAULT_PORT)
    .option('--no-start', 'only write the file')
    .action((o: { port: number; start: boolean; json?: boolean }) => {
      const user = process.platform === 'win32' && process.env.USERNAME
        ? `${process.env.USERDOMAIN ? `${process.env.USERDOMAIN}\\` : ''}${process.env.USERNAME}` : undefined;
      // An absolute folder: a service starts in $HOME (systemd) or / (launchd).
      const s = installService({ node: process.execPath, script: tasklaneScript, dataDir: resolve(dataDir()), port: o.port, user }, { start: o.start });
      out(s, o.json, () => said(s));
      if (s.running === false) process.exitCode = 1;
    });
  verb(service, 'uninstall', 'stop the service and remove its file').action((o: { json?: boolean }) => {
    const s = uninstallService();
    out(s, o.json, () => said(s));
  });
  verb(service, 'status', 'whether the service is installed and running').action((o: { json?: boolean }) => {
    const s = serviceStatus();
    out(s, o.json, () => said(s));
  });

  verb(program, 'completion', 'print a shell completion script: source <(tasklane completion bash)')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string, o: { json?: boolean }) => {
      if (!['bash', 'zsh', 'fish'].includes(shell)) {
        throw Object.assign(new Error(`'${shell}' is not a shell this knows (bash, zsh, fish)`), { usage: true });
      }
      const script = completionScript(program, shell as 'bash' | 'zsh' | 'fish');
      if (o.json) out({ shell, script }, true, () => '');
      else process.stdout.write(script);
    });
}
