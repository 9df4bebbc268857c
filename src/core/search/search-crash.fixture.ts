// A child for search.test.ts: fills a database with runs and log lines written before the
// search index existed, starts an engine (which indexes them in the background, a slice
// per turn), and says 'indexing' once the index is part way; the test then kills it -9.
import Database from 'better-sqlite3';
import { createEngine } from '../index';

const dbPath = process.argv[2];
const RUNS = 200;
const LINES_PER_RUN = 500;

const first = createEngine({ dbPath });
await first.stop({ timeoutMs: 0 });
const db = new Database(dbPath);
db.transaction(() => {
  db.prepare(`UPDATE search_state SET runs_done = 0, logs_done = 0`).run();
  const run = db.prepare(`INSERT INTO runs (id, kind, input, lane, priority, status, run_at, created_at, updated_at,
    max_attempts, backoff, trigger, name, finished_at) VALUES (?, 'noop', '{}', 'default', 0, 'succeeded', 0, 0, 0, 1,
    '{"type":"fixed","delayMs":1000,"maxDelayMs":1000,"jitter":0}', 'api', 'needle run', 1)`);
  const line = db.prepare(`INSERT INTO run_logs (run_id, seq, stream, at, text) VALUES (?, ?, 'stdout', 0, ?)`);
  for (let id = 1; id <= RUNS; id++) {
    run.run(id);
    for (let seq = 1; seq <= LINES_PER_RUN; seq++) line.run(id, seq, `line ${seq} of run ${id}: a needle in the haystack`);
  }
})();
db.close();

const engine = createEngine({ dbPath });
await engine.start();
const watch = new Database(dbPath, { readonly: true });
const marks = watch.prepare(`SELECT logs_done AS n FROM search_state`).pluck();
const look = () => {
  const n = marks.get() as number;
  if (n > 0 && n < RUNS * LINES_PER_RUN / 2) process.send!('indexing');
  else if (n === 0) setImmediate(look);
};
look();
