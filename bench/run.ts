// `npm run bench` runs every scenario; `npm run bench -- drain latency` runs some.
// Each scenario runs in its own process (clean heap, honest RSS) and prints JSON lines;
// this prints them as they come, then one markdown table.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { table, type Result } from './lib';
import { targetTable, targets } from './targets';

const dir = fileURLToPath(new URL('./scenarios/', import.meta.url));
const all = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; scenarios: ${all.join(', ')}`);
  process.exit(2);
}
const scenarios = wanted.length ? wanted : all;
const results: Result[] = [];

function runScenario(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', `${dir}${name}.ts`], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...(process.argv.includes('--quick') && { BENCH_QUICK: '1' }) },
    });
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        process.stdout.write(`${line}\n`);
        try { results.push(JSON.parse(line)); } catch { /* a plain line */ }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`scenario ${name} exited with ${code}`))));
  });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
for (const name of scenarios) await runScenario(name);
console.log(`\nMachine: ${machine}\n`);
console.log(table(results));
const met = targets(results);
if (met.length) console.log(`\nTargets (ratios between rows of this run):\n\n${targetTable(met)}`);
