// `npm run fuzz [-- --runs N] [--seed S [--path P]] [--keep-going]`: the property of
// property.ts over N inputs (default 100,000) against a real `tasklane serve` in a temp
// folder. Prints progress and a summary; exits 1 on any violation, with the counterexample
// fast-check shrank it to (or, with --keep-going, every violation, smallest first).
import { writeFileSync } from 'node:fs';
import { formatSummary, runFuzz } from './property';
import { stopAllTargets } from './target';

const args = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const known = new Set(['--runs', '--seed', '--path', '--keep-going', '--json']);
const unknown = args.filter((a, i) => a.startsWith('--') && !known.has(a) && !['--runs', '--seed', '--path', '--json'].includes(args[i - 1]));
const runs = Number(value('--runs') ?? 100_000);
const seed = value('--seed') === undefined ? undefined : Number(value('--seed'));
if (unknown.length || !Number.isInteger(runs) || runs < 1 || (seed !== undefined && !Number.isInteger(seed))) {
  console.error('usage: npm run fuzz [-- --runs N] [--seed S [--path P]] [--keep-going] [--json summary.json]');
  process.exit(2);
}
const keepGoing = args.includes('--keep-going');

process.on('SIGINT', () => { void stopAllTargets().finally(() => process.exit(130)); });

console.log(`fuzz: ${runs.toLocaleString('en')} inputs over every contract command but resumeLane/resumeAll, against a real \`tasklane serve\``
  + `${keepGoing ? ' (keep going after a violation)' : ''}`);
const t0 = Date.now();
const summary = await runFuzz({
  runs, seed, path: value('--path'), keepGoing,
  onProgress: (s, done) => {
    const secs = (Date.now() - t0) / 1000;
    console.log(`  ${done.toLocaleString('en')}/${runs.toLocaleString('en')} inputs, ${secs.toFixed(0)} s, ${(done / secs).toFixed(0)}/s; `
      + `accepted ${s.accepted}, rejected ${s.rejected}, violations ${s.violations.length}`);
  },
});
console.log('');
console.log(formatSummary(summary));
const out = value('--json');
if (out) writeFileSync(out, JSON.stringify(summary, null, 2));
process.exit(summary.violations.length || summary.fatal || summary.counterexample ? 1 : 0);
