// Test support for the CLI's tests: `tasklane serve` as a real process on an ephemeral port
// with a temp data folder, and the CLI as real processes against it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/tasklane.js', import.meta.url));

export interface Server { proc: ChildProcess; port: number; token: string; dir: string; exited: Promise<number | null> }

export function startServe(dir: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, '--data-dir', dir, 'serve', '--port', '0', '--metrics'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^Open http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]+)$/.exec(line);
      if (m) resolve({ proc, port: Number(m[1]), token: m[2], dir, exited });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

export function cli(dir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliWith({}, dir, ...args);
}

/** The CLI with more environment (`env`) and, optionally, standard input (`env.STDIN`) and
 *  the folder it runs in (`env.CWD`), neither passed on. */
export function cliWith(env: Record<string, string>, dir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { STDIN: stdin, CWD: cwd, ...extra } = env;
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, '--data-dir', dir, ...args], { cwd, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...extra } });
    if (stdin !== undefined) proc.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (d) => { stdout += d; });
    proc.stderr!.on('data', (d) => { stderr += d; });
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

