// The `shell` kind: runs a program (directly, or through the person's shell for pipes and
// globs), streams its output into the run's log line by line, and ends its whole process
// tree on timeout or cancel: SIGTERM to the process group, SIGKILL after a grace period.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { z } from 'zod';
import { KindError, type KindDefinition, type RunContext } from '../kinds';
import { DEFAULT_OUTPUT_CAP, LineSplitter, OutputBudget } from './output';

export const shellInput = z.strictObject({
  command: z.string().min(1).max(10_000),
  args: z.array(z.string().max(100_000)).max(1000).default([]),
  /** Where it runs; the person's home folder when not given (the app's own folder means nothing to them). */
  cwd: z.string().min(1).optional(),
  /** Added to the app's environment, or replacing it with cleanEnv. */
  env: z.record(z.string(), z.string()).default({}),
  cleanEnv: z.boolean().default(false),
  stdin: z.string().max(10_000_000).optional(),
  /** false: run the program directly; true: through the shell, for pipes and globs. */
  shell: z.boolean().default(false),
  /** How long the process tree gets after SIGTERM before SIGKILL. */
  killGraceMs: z.int().min(0).max(600_000).default(5_000),
  outputCapBytes: z.int().min(1024).max(1024 ** 3).default(DEFAULT_OUTPUT_CAP),
});
export type ShellInput = z.output<typeof shellInput>;

export interface ShellResult { exitCode: number; durationMs: number; stdoutTail: string[] }

const PROGRESS = /^::progress\s+(\d{1,3}(?:\.\d+)?)\s*(.*)$/;
/** `::artifact <path>`: keep this file with the run (relative to the run's folder). */
const ARTIFACT = /^::artifact\s+(.+?)\s*$/;

/** Ends the process and everything it started. */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') spawnSync('taskkill', ['/PID', String(child.pid), '/T', '/F']);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export function runShell(input: ShellInput, ctx: RunContext): Promise<ShellResult> {
  if (input.cwd !== undefined) {
    let isDir = false;
    try { isDir = statSync(input.cwd).isDirectory(); } catch { /* missing */ }
    if (!isDir) throw new KindError('CWD_NOT_FOUND', `working folder ${input.cwd} does not exist`, { retryable: false });
  }
  const started = Date.now();
  // The task's secrets (if any) are in the environment of this process only.
  const env = { ...(input.cleanEnv ? input.env : { ...process.env, ...input.env }), ...ctx.secrets, TASKLANE_RUN: ctx.processTag };
  const child = spawn(input.command, input.args, {
    cwd: input.cwd ?? homedir(), env, shell: input.shell, detached: process.platform !== 'win32', windowsHide: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined && process.platform !== 'win32') ctx.track(child.pid);
  const budget = new OutputBudget(input.outputCapBytes, (s, t) => ctx.log(s, t));
  // Files being copied in (::artifact): the attempt ends once they are.
  const copies: Promise<void>[] = [];
  const stdout = new LineSplitter((line) => {
    const a = ARTIFACT.exec(line);
    if (a) { copies.push(ctx.artifact(a[1], input.cwd ?? homedir(), true)); return false; }
    const m = PROGRESS.exec(line);
    if (!m) return budget.take('stdout', line);
    ctx.progress(Number(m[1]), m[2] || undefined);
    return false; // not output: neither logged nor in the result's tail
  });
  const stderr = new LineSplitter((line) => budget.take('stderr', line));
  child.stdout!.on('data', (c: Buffer) => stdout.push(c));
  child.stderr!.on('data', (c: Buffer) => stderr.push(c));
  child.stdin!.on('error', () => { /* the program did not read its input */ });
  child.stdin!.end(input.stdin ?? '');

  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    killTree(child, 'SIGTERM');
    killTimer = setTimeout(() => killTree(child, 'SIGKILL'), input.killGraceMs);
    killTimer.unref();
  };
  if (ctx.signal.aborted) onAbort(); else ctx.signal.addEventListener('abort', onAbort, { once: true });

  return new Promise<ShellResult>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') {
        reject(new KindError('PROGRAM_NOT_FOUND', `program '${input.command}' was not found (is it installed and on PATH?)`, { retryable: false }));
      } else {
        reject(new KindError('SPAWN_FAILED', `could not start '${input.command}': ${error.message}`, { retryable: false }));
      }
    });
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      const dropped = budget.summary();
      if (dropped) ctx.log('info', dropped);
      // The leader is gone; take anything it left in its group with it.
      if (process.platform !== 'win32') killTree(child, 'SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      const durationMs = Date.now() - started;
      // The files it asked to keep are copied before the attempt ends (each says how it went).
      void Promise.all(copies).then(() => {
        if (code === 0) {
          resolve({ exitCode: 0, durationMs, stdoutTail: stdout.tail.slice(-10) });
          return;
        }
        const last = stderr.tail.slice(-5).join('\n');
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new KindError(signal ? 'SIGNAL' : 'EXIT_CODE', `${input.command} ${how}${last ? `:\n${last}` : ''}`,
          code === null ? {} : { exitCode: code }));
      });
    });
  });
}

export const shellKind: KindDefinition<ShellInput> = { input: shellInput, run: runShell };
