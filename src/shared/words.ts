// How the window and the `tasklane` command put things in words, so both say the same:
// durations, rates, and what a run is in one line.

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

const UNIT_WORDS: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];

/** "10 per minute", "5 per 30 seconds", "no limit". */
export function rateText(rate: { max: number; intervalMs: number } | null): string {
  if (!rate) return 'no limit';
  for (const [ms, word] of UNIT_WORDS) {
    if (rate.intervalMs === ms) return `${rate.max} per ${word}`;
    if (rate.intervalMs % ms === 0) return `${rate.max} per ${rate.intervalMs / ms} ${word}s`;
  }
  return `${rate.max} per ${rate.intervalMs} ms`;
}

/** An argument as a shell would need it typed: quoted when it holds spaces or quotes. */
const quoted = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** A command line as it would be typed. */
export function commandLine(command: string, args: readonly string[] = []): string {
  return [command, ...args.map(quoted)].join(' ');
}

/** What a run does, in one line: its name, else the command or URL it was given. */
export function title(run: { name: string | null; kind: string; input: unknown }): string {
  if (run.name) return run.name;
  const input = (run.input ?? {}) as { command?: string; args?: string[]; url?: string; method?: string; title?: string };
  if (run.kind === 'shell' && input.command) return commandLine(input.command, input.args);
  if (run.kind === 'http' && input.url) return `${input.method ?? 'GET'} ${input.url}`;
  if (run.kind === 'notify' && input.title) return input.title;
  return run.kind;
}

/** Where a run came from (its trigger), in the window's words. */
export function originText(trigger: string): string {
  return ({ window: 'the window', cli: 'the tasklane command', api: 'the API', manual: 'run by hand', schedule: 'its schedule',
    'catch-up': 'a catch-up of missed fires', hook: 'a hook (another run ended)', intake: 'a message in the inbox' } as Record<string, string>)[trigger] ?? trigger;
}

/** A moment on this machine's clock, with its offset: "2026-12-02 13:17:24 +00:00" ('-': none). */
export function clockTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const p = (n: number) => String(Math.abs(n)).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} `
    + `${off < 0 ? '-' : '+'}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
}

/** The notification policy's switches, and its limits (a length of time, or off), as every
 *  face words them: "tell me when …". */
export const NOTICE_SWITCHES = [
  ['failed', 'a run fails'], ['dead', 'a run goes dead'], ['succeeded', 'any run succeeds'],
  ['missed', 'a schedule missed fires'], ['longerThanUsual', 'a run takes 3× its usual time'],
  ['messages', 'a message waits for review'],
] as const;
export const NOTICE_LIMITS = [['slowSuccessMs', 'a run succeeds after more than'], ['runningLongerThanMs', 'a run is still running after']] as const;

/** When a task's hook fires, in words (its HookEvent). */
export const HOOK_WHEN = { succeeded: 'when it succeeds', failed: 'when it fails', dead: 'when it goes dead', ended: 'when it ends (any way)' } as const;

/** An inbox rule in words, as every face says it: "from chat, text matching /^deploy/ → run deploy, for review". */
export function ruleText(r: { source?: string; match?: string; task?: string; input?: unknown; autoApprove: boolean }): string {
  return `from ${r.source ?? 'any source'}${r.match ? `, text matching /${r.match}/` : ''} → `
    + `${r.task ? `run ${r.task}${r.input === undefined ? '' : ` with ${JSON.stringify(r.input)}`}` : 'the run a JSON message names'}${r.autoApprove ? ', approved by itself' : ', for review'}`;
}
