// Files runs keep, with real shell processes and a real data folder: a `::artifact` line
// copies the file in (the same name twice kept apart), the run's detail lists it, a file that
// cannot be kept is said in the log, the cap holds, and the files go with their run.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';
import { createArtifacts } from './artifacts';

let h: Harness;
let work: string;
beforeEach(() => { h = createHarness(); h.engine.start(); work = mkdtempSync(join(tmpdir(), 'tasklane-art-')); });
afterEach(async () => { await h.cleanup(); });

async function run(script: string, maxAttempts = 1): Promise<number> {
  const { id } = h.engine.enqueue({ kind: 'shell', input: { command: script, shell: true, cwd: work }, maxAttempts });
  for (let i = 0; i < 500 && !['succeeded', 'dead', 'failed'].includes(h.engine.getRun({ id }).status); i++) await new Promise((r) => setTimeout(r, 10));
  return id;
}
const logOf = (id: number) => h.engine.getLogs({ runId: id }).lines.map((l) => l.text);

it('a shell line ::artifact keeps the file with the run (two of one name kept apart); the detail lists it', async () => {
  const id = await run(`echo 'total: 42' > report.txt; echo '::artifact report.txt'; mkdir -p sub; echo x > sub/report.txt; echo "::artifact $PWD/sub/report.txt"; echo done`);
  const detail = h.engine.getRun({ id });
  expect(detail.status).toBe('succeeded');
  expect(detail.artifacts).toEqual([{ name: 'report-2.txt', size: 2 }, { name: 'report.txt', size: 10 }]);
  expect(readFileSync(h.engine.artifactFile(id, 'report.txt')!, 'utf8')).toBe('total: 42\n');
  // The lines themselves are not output; what was kept is said in the log.
  expect(logOf(id).sort()).toEqual(['done', 'kept report-2.txt (2 bytes)', 'kept report.txt (10 bytes)']);
  expect(h.engine.artifactFile(id, '../tasklane.db')).toBeNull();
});

it('a file that cannot be kept (missing, a folder, outside the run\'s folder) is said in the log, and the run goes on', async () => {
  const id = await run(`mkdir -p d; echo '::artifact missing.txt'; echo '::artifact d'; echo '::artifact /etc/hostname'; ln -s /etc/hostname link; echo '::artifact link'; echo ok`);
  expect(h.engine.getRun({ id })).toMatchObject({ status: 'succeeded', artifacts: [] });
  const log = logOf(id);
  expect(log).toHaveLength(5);
  // A line may come from anything the run printed: only files in its folder are kept.
  expect(log).toEqual(expect.arrayContaining(['ok', expect.stringMatching(/^not kept: .*missing\.txt cannot be read \(ENOENT\)$/),
    expect.stringMatching(/^not kept: .*\/d is not a file$/), expect.stringMatching(/^not kept: \/etc\/hostname is not in the run's folder/),
    expect.stringMatching(/^not kept: .*\/link is not in the run's folder/)]));
});

it('a run keeps at most its cap; the files go when the run is discarded or pruned', async () => {
  const small = createArtifacts(h.dir, 10);
  writeFileSync(join(work, 'a'), '123456');
  await small.keep(999, 'a', work);
  await expect(small.keep(999, 'a', work)).rejects.toThrow(/is over what this run may still keep \(4 of 10 bytes\)/);

  const dead = await run(`echo hi > f.txt; echo '::artifact f.txt'; exit 3`);
  expect(h.engine.getRun({ id: dead }).artifacts).toHaveLength(1);
  const kept = h.engine.artifactFile(dead, 'f.txt')!;
  h.engine.discard({ ids: [dead] });
  expect(() => readFileSync(kept)).toThrow(/ENOENT/);
});

it("at start, files of runs this database does not have (a reset, a restore) go; a run's own stay", async () => {
  const kept = await run(`echo hi > f.txt; echo '::artifact f.txt'`);
  mkdirSync(join(h.dir, 'artifacts', '777'), { recursive: true });
  writeFileSync(join(h.dir, 'artifacts', '777', 'old.txt'), 'not this database\'s');
  await h.engine.stop();
  const again = h.reopen();
  await again.start();
  expect(existsSync(join(h.dir, 'artifacts', '777'))).toBe(false);
  expect(again.getRun({ id: kept }).artifacts).toEqual([{ name: 'f.txt', size: 3 }]);
});
