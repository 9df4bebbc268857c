// `npm run soak [-- --cycles N] [--seed S] [--keep]`: SIGKILL a real `tasklane serve` N times
// (default 50) under a mixed workload, then check that nothing accepted was lost, nothing is
// stuck, and no run ever ran twice at once. Exit 1 on any violation. See soak/soak.ts.
import { abortSoaks, formatReport, runSoak } from './soak';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

function int(name: string, fallback: number, min: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} takes a whole number ≥ ${min}, not '${raw}'`);
    process.exit(2);
  }
  return n;
}

const cycles = int('cycles', 50, 1);
const seed = int('seed', Math.floor(Math.random() * 2 ** 31), 0);
const keep = process.argv.includes('--keep');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => { abortSoaks(); process.exit(130); });
}
process.on('exit', abortSoaks);

console.log(`soak: ${cycles} cycles, seed ${seed} (replay: npm run soak -- --cycles ${cycles} --seed ${seed})`);
const report = await runSoak({ cycles, seed, keep, log: (line) => console.log(`  ${line}`) });
console.log(formatReport(report));
process.exit(report.violations.length ? 1 : 0);
