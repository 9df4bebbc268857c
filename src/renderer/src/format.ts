// Times and durations as a person reads them.
import type { Run } from '../../core/api/types';

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function clock(at: number | null): string {
  if (at === null) return '';
  const d = new Date(at);
  const sameDay = new Date().toDateString() === d.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

/** How long the run ran, or has been running. */
export function runTime(run: Run, now: number): string {
  if (run.startedAt === null) return '';
  return duration((run.finishedAt ?? now) - run.startedAt);
}

/** What a run does, in one line: its name, else the command or URL it was given. */
export function title(run: { name: string | null; kind: string; input: unknown }): string {
  if (run.name) return run.name;
  const input = (run.input ?? {}) as { command?: string; args?: string[]; url?: string; method?: string; title?: string };
  if (run.kind === 'shell' && input.command) return [input.command, ...(input.args ?? [])].join(' ');
  if (run.kind === 'http' && input.url) return `${input.method ?? 'GET'} ${input.url}`;
  if (run.kind === 'notify' && input.title) return input.title;
  return run.kind;
}
