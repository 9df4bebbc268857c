// What a run was given and what it gave back, per kind, as rows of the run's panel: the
// command and its folder, the URL and body, the notification's words; env and header values
// masked (they may be secrets); the result in words (exit code, HTTP status), not JSON.
import { commandLine } from '../../shared/words';
import { duration } from './format';
import { plainText } from './logView';

export interface Fact { label: string; value: string; code?: true }

const MASK = '••••••';
const json = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
const clip = (s: string, n = 2_000) => (s.length > n ? `${s.slice(0, n)}… (${(s.length - n).toLocaleString('en-US')} more characters)` : s);
const masked = (o: Record<string, string> | undefined) => Object.keys(o ?? {}).map((k) => `${k}=${MASK}`).join('\n');

/** The input of a run of `kind`, as rows. */
export function inputFacts(kind: string, input: unknown): Fact[] {
  const i = (input ?? {}) as Record<string, unknown>;
  if (kind === 'shell') {
    const shell = i.shell === true;
    return [
      { label: shell ? 'command (through the shell)' : 'command', value: shell ? String(i.command) : commandLine(String(i.command), (i.args as string[] | undefined) ?? []), code: true },
      { label: 'folder', value: typeof i.cwd === 'string' ? i.cwd : 'the home folder' },
      ...(i.env && Object.keys(i.env).length ? [{ label: 'environment', value: masked(i.env as Record<string, string>), code: true as const }] : []),
      ...(typeof i.stdin === 'string' && i.stdin ? [{ label: 'input', value: clip(i.stdin), code: true as const }] : []),
    ];
  }
  if (kind === 'http') {
    return [
      { label: 'request', value: `${String(i.method ?? 'GET')} ${String(i.url)}`, code: true },
      ...(i.headers && Object.keys(i.headers).length ? [{ label: 'headers', value: masked(i.headers as Record<string, string>), code: true as const }] : []),
      ...(i.body !== undefined ? [{ label: 'body', value: clip(json(i.body)), code: true as const }] : []),
      ...(Array.isArray(i.expectStatus) ? [{ label: 'succeeds on', value: (i.expectStatus as number[]).join(', ') }] : []),
    ];
  }
  if (kind === 'notify') {
    return [
      { label: 'title', value: String(i.title ?? '') },
      ...(i.body ? [{ label: 'text', value: String(i.body) }] : []),
      ...(i.urgency && i.urgency !== 'normal' ? [{ label: 'urgency', value: String(i.urgency) }] : []),
    ];
  }
  return Object.keys(i).length ? [{ label: 'input', value: clip(json(input)), code: true }] : [];
}

/** The result of a run of `kind`, as rows (none when it gave nothing back). */
export function resultFacts(kind: string, result: unknown): Fact[] {
  if (result === null || result === undefined) return [];
  const r = result as Record<string, unknown>;
  if (kind === 'shell' && typeof r.exitCode === 'number') {
    return [{ label: 'result', value: `exit ${r.exitCode}${typeof r.durationMs === 'number' ? ` after ${duration(r.durationMs)}` : ''}` }];
  }
  if (kind === 'http' && typeof r.status === 'number') {
    const body = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : json(r.body);
    return [{ label: 'result', value: `HTTP ${r.status}` }, ...(body ? [{ label: 'response', value: clip(body), code: true as const }] : [])];
  }
  if (kind === 'notify' && typeof r.delivered === 'boolean') {
    return [{ label: 'result', value: r.delivered ? 'shown' : 'not shown here (see the log)' }];
  }
  return [{ label: 'result', value: clip(plainText(json(result))), code: true }];
}
