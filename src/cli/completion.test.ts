// The completion scripts, run by the shells themselves where they are installed.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { completionScript } from './completion';
import { buildProgram } from './main';

/** What bash offers after these words (the script's own function, as bash calls it on <TAB>). */
function bashOffers(words: string[]): string[] {
  const script = completionScript(buildProgram(), 'bash');
  const line = ['tasklane', ...words];
  const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${line.length - 1}; _tasklane; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

it('bash offers the verbs of the words typed so far, and their own options', () => {
  expect(bashOffers(['sch'])).toEqual(['schedule', 'schema']);
  expect(bashOffers(['sched'])).toEqual(['schedule']);
  expect(bashOffers(['schedule', ''])).toEqual(expect.arrayContaining(['set', 'pause', 'resume', 'clear', 'preview', 'explain']));
  const taskAdd = bashOffers(['task', 'add', '--c']);
  expect(taskAdd).toEqual(expect.arrayContaining(['--cron', '--catch-up', '--cwd']));
  expect(taskAdd).not.toContain('--concurrency');
  expect(bashOffers(['completion', ''])).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
  // After --, the program's own arguments: nothing of tasklane's.
  expect(bashOffers(['add', '--', 'rsync', '--'])).toEqual([]);
});

it('fish keys each option on the whole verb, so add is not offered task add\'s options', () => {
  const fish = completionScript(buildProgram(), 'fish');
  expect(fish).toContain(`complete -c tasklane -n "test (__tasklane_path) = 'task add'" -l 'cron'`);
  expect(fish).not.toContain(`complete -c tasklane -n "test (__tasklane_path) = 'add'" -l 'cron'`);
  const check = spawnSync('fish', ['--no-execute', '-c', fish], { encoding: 'utf8' });
  if (check.error) console.log(`fish is not installed here: its script is checked by its content only (${check.error.message})`);
  else expect(check.status, check.stderr).toBe(0);
});
