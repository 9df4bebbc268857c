// What the fuzz sends: per command, arbitrary JSON bodies, valid example inputs and
// mutations of them (so that inputs get past the first check), raw non-JSON bodies and wrong
// content types, plus names that are not commands. Values are plain JSON, except `Raw`:
// JSON text written as is (numbers JSON.stringify cannot write, lone surrogates, nesting
// deeper than any recursive serializer survives, arrays of 100k items).
import fc from 'fast-check';
import { COMMAND_NAMES, isCommand, type CommandName } from '../src/core/api/contract';
import { RUN_STATUSES } from '../src/core/runs/lifecycle';
import { FORBIDDEN_COMMANDS, assertSafe, serverView } from './target';

const DAY = 86_400_000;

export class Raw {
  constructor(readonly text: string, readonly label: string) {}
  [fc.toStringMethod](): string { return `raw(${this.label})`; }
}
export type Json = null | boolean | number | string | Raw | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is { [key: string]: Json } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw);

/** Sets an own property, even `__proto__` (plain assignment would set the prototype). */
export function defineKey(obj: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON text of a value; own keys only (so an own `__proto__` is written like any key). */
export function toText(v: Json): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toText).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${toText(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

export function clone(v: Json): Json {
  if (v instanceof Raw || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone);
  const out: { [key: string]: Json } = {};
  for (const k of Object.keys(v)) defineKey(out, k, clone(v[k]));
  return out;
}

// ---- what each command's requests look like ------------------------------------------------

/** Names the examples draw from, refreshed from the database as the fuzz goes. */
export interface Pools {
  runs: number[];
  /** queued or scheduled: cancellable. */
  active: number[];
  /** cancelled, dead or failed: retryable. */
  ended: number[];
  /** dead or failed: discardable. */
  deadOrFailed: number[];
  tasks: number[];
  /** Tasks with a schedule. */
  scheduled: number[];
  lanes: string[];
}
export const emptyPools = (): Pools => ({ runs: [], active: [], ended: [], deadOrFailed: [], tasks: [], scheduled: [], lanes: ['default', 'serial'] });

const pickFrom = <T>(list: () => T[], fallback: (n: number) => T) =>
  fc.nat().map((n) => { const l = list(); return l.length ? l[n % l.length] : fallback(n); });

export const GOOD_CRONS = ['0 3 * * *', '*/5 * * * *', '30 2 * * *', '0 9-17 * * 1-5', '0 0 1 * *', '15,45 * * * *',
  '0 0 * * 0', '*/10 * * * * *', '0 0 29 2 *', '0 12 L * *', '0 12 * * 5L', '0 12 * * 1#2', '0 12 15W * *', '0 0 * JAN-MAR MON'];
export const GOOD_ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham',
  'Australia/Lord_Howe', 'America/Santiago', 'Etc/GMT+12', 'Etc/GMT-14'];

/** Cron expressions and zones that pass the schema but not all of them the engine's checks. */
const ODD_CRONS = ['* * * * *', '* * * * * *', '0 0 31 2 *', '0 0 30 2 *', '*/0 * * * *', '60 * * * *', '0 24 * * *',
  '0 0 0 * *', '0 0 * 13 *', '0 0 * * 8', '0 0 LW * *', '0 0 * * 5#6', '0 0 * * 1#0', '0 0 ? * ?', '@daily', '@reboot',
  '0 0 1-31/0 * *', '0-59/60 * * * *', '1-0 * * * *', '* * * * * * *', '* *', '0 0 L-2 * *', '0 0 W * *',
  '0 0 L * L', '0 0 1,15 * 1', '0 0 31 4,6,9,11 *', '59 59 23 31 12 *', '0 0 0 1 1 *', '1#1 * * * *', 'L * * * *',
  '0 0 * * 7L', '0 0 * * 0#5', '0 0 32W * *', '0 0 0W * *', '0 0 L W *', '0 0 ? * L', '0 0 * * ?#2', '0 0 1-5L * *',
  ' 0 3 * * * ', '0\t3 * * *', '0 3 * * MON-', 'default', ''];
const ODD_ZONES = ['Etc/UTC', 'europe/berlin', 'Etc/GMT+15', 'Z', '+01:00', 'local', 'GMT0', 'EST5EDT', 'Mars/Olympus',
  '../../etc/passwd', 'UTC ', 'America/Argentina/ComodRivadavia', 'Factory', 'SystemV/AST4', 'x'.repeat(100), ''];
const cronArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...GOOD_CRONS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_CRONS) });
const zoneArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...GOOD_ZONES) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_ZONES) });

/** Values a field of some command expects, or almost: replacements that get far. */
const DOMAIN_STRINGS: string[] = [
  'default', 'serial', 'fz-a', 'fz-1', 'imp-1', 'a', 'A'.repeat(40), 'a'.repeat(41), '.x', '-x', '_x', 'x y', 'x/y', 'é',
  'ＡＢ', 'default ', ' default', 'DEFAULT', 'x\u0000', 'shell', 'http', 'notify', 'Shell', 'SHELL', 'nope', 'a:b',
  ...RUN_STATUSES, 'bogus', 'fixed', 'exponential', 'linear', 'skip', 'queue', 'allow', 'once', 'all', 'none', 'low',
  'normal', 'critical', 'urgent', 'GET', 'POST', 'get', 'TRACE', 'CONNECT',
  ...GOOD_CRONS, ...ODD_CRONS, '   ', ...GOOD_ZONES, ...ODD_ZONES, 'http://127.0.0.1:9/', 'https://127.0.0.1:9/x', 'http://[::1]:9/', 'http://localhost:99999/',
  'ftp://127.0.0.1/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://', '//x', 'http://a b/', 'data:text/plain,hi',
  '/', '.', '..', '/nonexistent-folder', '~', 'true', 'false', 'null', '0', '-1', '1e309', 'NaN', '%s%n', '${x}',
  '$(true)', '`x`', "'; DROP TABLE runs; --", '%', '_', '\\', 'a%', '\u202e', '\ufeff', '\u2028', '🦄', 'x'.repeat(200), 'x'.repeat(201),
];
const STRING_LENGTHS = [0, 1, 39, 40, 41, 49, 50, 51, 99, 100, 101, 199, 200, 201, 4000, 4001, 10_000, 10_001, 100_000, 100_001, 1_000_000];
const NUMBERS: number[] = [0, 1, -1, 2, 5, 10, 11, 20, 21, 40, 41, 50, 51, 64, 65, 99, 100, 101, 125, 126, 200, 201, 255, 256,
  499, 500, 501, 599, 600, 999, 1000, 1001, 1023, 1024, 10_000, 10_001, 36_500, 36_501, 65_535, 65_536, 100_000, 100_001,
  600_000, 600_001, 1_000_000, 1_000_001, 3_600_000, 3_600_001, DAY, DAY + 1, 7 * DAY, 7 * DAY + 1, 30 * DAY, 30 * DAY + 1,
  366 * DAY, 366 * DAY + 1, 1e7, 1e7 + 1, 1024 ** 3, 1024 ** 3 + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53,
  -(2 ** 53), 8.64e15, 8.64e15 + 1, 8.64e15 - 1, 1e21, 1e300, Number.MAX_VALUE, Number.MIN_VALUE, 0.5, -0.5, 1.5, 0.1,
  1e-7, 1_700_000_000_000, 4_102_444_800_000];
const RAW_SCALARS = ['-0', '1e309', '-1e309', '1E2', '1.0', '1e-400', '123456789012345678901234567890', '9007199254740993',
  '-9007199254740993', '5e-324', '0e0', '"\\ud800"', '"\\udfff"', '"a\\ud800b"', '"\\u0000"', '"\\uffff"', '"\\ufeff"',
  '"\\u202e"', '"\\u2028\\u2029"', '"\\/"'].map((t) => new Raw(t, t));
const WRONG_TYPES: Json[] = [null, true, false, 0, -1, 1.5, '', 'x', [], {}, [null], [[]], { a: 1 }, ['x'], [1, 2, 3], [-1], [0]];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf',
  '__defineGetter__', '__lookupGetter__', 'then', 'length', '0', '', ' ', 'id', 'kind', 'input', 'lane', 'name', 'extra',
  'enabled', 'ids', 'runs', 'config', 'version', 'schedule', 'taskId', 'overrides', 'toJSON'];

/** Nesting deeper than MAX_DEPTH (64), up to deeper than any recursive walk survives. */
const deepRaw: fc.Arbitrary<Json> = fc.record({
  depth: fc.constantFrom(62, 63, 64, 65, 66, 200, 5_000, 100_000, 1_000_000),
  shape: fc.constantFrom('array', 'object', 'mixed'),
}).map(({ depth, shape }) => {
  const [open, close] = shape === 'array' ? ['[', ']'] : shape === 'object' ? ['{"a":', '}'] : ['[{"a":', '}]'];
  const n = shape === 'mixed' ? Math.ceil(depth / 2) : depth;
  return new Raw(`${open.repeat(n)}1${close.repeat(n)}`, `${shape} nested ${depth} deep`);
});
const bigArrayRaw: fc.Arbitrary<Json> = fc.record({
  n: fc.constantFrom(20, 21, 100, 101, 1000, 1001, 10_000, 100_001),
  item: fc.constantFrom('1', '"t"', '{}', 'null', '[]'),
}).map(({ n, item }) => new Raw(`[${Array(n).fill(item).join(',')}]`, `[${item} × ${n}]`));
const longString: fc.Arbitrary<Json> = fc.record({ n: fc.constantFrom(...STRING_LENGTHS), ch: fc.constantFrom('x', 'é', '🦄', ' ', '\u0000') })
  .map(({ n, ch }) => ch.repeat(n));

const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTO_KEYS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

const small: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...WRONG_TYPES), fc.constantFrom(...NUMBERS), fc.constantFrom(...DOMAIN_STRINGS),
  fc.integer(), fc.string({ maxLength: 10 }),
);

/** Objects with keys that mean something to JavaScript (`__proto__` as an own key). */
const protoObject: fc.Arbitrary<Json> = fc.array(fc.tuple(keyArb, fc.oneof(small, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>)), { maxLength: 5 })
  .map((pairs) => {
    const o: { [key: string]: Json } = {};
    for (const [k, v] of pairs) defineKey(o, k, v);
    return o;
  });

/** A replacement for one field: wrong types, edges of ranges, near-valid strings, oddities. */
export const valueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 4, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_SCALARS) },
  { weight: 5, arbitrary: fc.constantFrom(...DOMAIN_STRINGS) },
  { weight: 1, arbitrary: longString },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: protoObject },
  { weight: 1, arbitrary: deepRaw },
  { weight: 1, arbitrary: bigArrayRaw },
  { weight: 2, arbitrary: fc.array(small, { maxLength: 5 }) },
);

/** A whole body: any JSON at all. */
export const anyBodyArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 6 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: protoObject },
  { weight: 3, arbitrary: fc.array(fc.tuple(keyArb, valueArb), { maxLength: 6 }).map((pairs) => {
    const o: { [key: string]: Json } = {};
    for (const [k, v] of pairs) defineKey(o, k, v);
    return o;
  }) },
  { weight: 2, arbitrary: valueArb },
);

// ---- mutations of a valid input -------------------------------------------------------------

export type Op =
  | { op: 'drop'; at: number }
  | { op: 'set'; at: number; value: Json }
  | { op: 'add'; at: number; key: string; value: Json }
  | { op: 'wrap'; at: number; how: 'array' | 'object' | 'string' };

export const opsArb: fc.Arbitrary<Op[]> = fc.array(fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: valueArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: keyArb, value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), at: fc.nat(), how: fc.constantFrom('array' as const, 'object' as const, 'string' as const) }) },
), { minLength: 1, maxLength: 3 });

type Path = (string | number)[];
function nodes(v: Json, path: Path = [], out: { path: Path; value: Json }[] = []): { path: Path; value: Json }[] {
  out.push({ path, value: v });
  if (Array.isArray(v)) v.forEach((c, i) => nodes(c, [...path, i], out));
  else if (isObject(v)) for (const k of Object.keys(v)) nodes(v[k], [...path, k], out);
  return out;
}
function parentOf(root: Json, path: Path): Json {
  let v = root;
  for (const k of path.slice(0, -1)) v = (v as { [key: string]: Json })[k as string];
  return v;
}
function setAt(root: Json, path: Path, value: Json): Json {
  if (!path.length) return value;
  const parent = parentOf(root, path);
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent[key as number] = value;
  else defineKey(parent as { [key: string]: Json }, key as string, value);
  return root;
}

export function applyOps(example: Json, ops: Op[]): Json {
  let root = clone(example);
  for (const op of ops) {
    const all = nodes(root);
    const inner = all.filter((n) => n.path.length > 0);
    if (op.op === 'add') {
      const objects = all.filter((n) => isObject(n.value));
      // Values are copied in: fast-check reuses generated values (when shrinking), and a value
      // changed in place by one application would be changed for the next.
      if (objects.length) defineKey(objects[op.at % objects.length].value as { [key: string]: Json }, op.key, clone(op.value));
      continue;
    }
    if (!inner.length) {
      if (op.op === 'set') root = clone(op.value);
      continue;
    }
    const node = inner[op.at % inner.length];
    if (op.op === 'drop') {
      const parent = parentOf(root, node.path);
      const key = node.path[node.path.length - 1];
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as { [key: string]: Json })[key as string];
    } else if (op.op === 'set') {
      root = setAt(root, node.path, clone(op.value));
    } else {
      const wrapped = op.how === 'array' ? [node.value] : op.how === 'object' ? { value: node.value } : toText(node.value);
      root = setAt(root, node.path, wrapped);
    }
  }
  return root;
}

// ---- valid examples, per command --------------------------------------------------------------

type Examples = { [K in CommandName]: fc.Arbitrary<Json> };

const opt = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: (keyof T)[] = []) =>
  fc.record(fields, { requiredKeys: required as never }) as unknown as fc.Arbitrary<{ [key: string]: Json }>;

export function examples(pools: () => Pools): Examples {
  const runId = pickFrom(() => pools().runs, (n) => 1 + (n % 50));
  const activeId = pickFrom(() => pools().active, (n) => 1 + (n % 50));
  const endedId = pickFrom(() => pools().ended, (n) => 1 + (n % 50));
  const deadId = pickFrom(() => pools().deadOrFailed, (n) => 1 + (n % 50));
  const taskId = pickFrom(() => pools().tasks, (n) => 1 + (n % 20));
  const scheduledTask = pickFrom(() => pools().scheduled, (n) => 1 + (n % 20));
  const lane = pickFrom(() => pools().lanes, () => 'default');
  const future = fc.integer({ min: 1, max: 300 }).map((d) => Date.now() + d * DAY);
  const backoff = opt({
    type: fc.constantFrom('fixed', 'exponential'), delayMs: fc.constantFrom(0, 1000, 60_000), maxDelayMs: fc.constantFrom(0, 3_600_000),
    jitter: fc.constantFrom(0, 0.2, 1),
  });
  const shellInput = opt({
    command: fc.constant('true'), args: fc.constant(['--help']), cwd: fc.constant('/'), env: fc.constant({ FUZZ: '1' }),
    cleanEnv: fc.boolean(), stdin: fc.constant('in'), shell: fc.constant(false), killGraceMs: fc.constantFrom(0, 100),
    outputCapBytes: fc.constantFrom(1024, 4096),
  }, ['command']);
  const httpInput = opt({
    method: fc.constantFrom('GET', 'POST', 'DELETE'), url: fc.constant('http://127.0.0.1:9/hook'), headers: fc.constant({ 'x-fuzz': '1' }),
    body: fc.oneof(fc.constant({ a: [1, 2] }), fc.constant('text')), timeoutMs: fc.constantFrom(1, 500), expectStatus: fc.constant([200, 204]),
    retryOn4xx: fc.boolean(),
  }, ['url']);
  const notifyInput = opt({ title: fc.constant('hello'), body: fc.constant('world'), urgency: fc.constantFrom('low', 'normal', 'critical') }, ['title']);
  const kindAndInput = fc.oneof(
    shellInput.map((input) => ({ kind: 'shell', input })),
    httpInput.map((input) => ({ kind: 'http', input })),
    notifyInput.map((input) => ({ kind: 'notify', input })),
  );
  const runOptions = {
    lane, priority: fc.integer({ min: 0, max: 10 }), maxAttempts: fc.integer({ min: 1, max: 100 }), backoff,
    timeoutMs: fc.constantFrom(1, 60_000, null), name: fc.constantFrom('fuzz run', 'x'), tags: fc.constant(['fuzz', 'a']),
  };
  const enqueueRun = fc.tuple(kindAndInput, opt({
    ...runOptions,
    runAt: fc.oneof(fc.constantFrom(0, 1000), future),
    delayMs: fc.constantFrom(0, 1000, DAY),
    dedupeKey: fc.nat(20).map((n) => `key-${n}`),
    after: fc.array(runId, { minLength: 0, maxLength: 2 }),
  })).map(([ki, rest]) => {
    const run: { [key: string]: Json } = { ...ki, ...rest };
    if (run.runAt !== undefined && run.delayMs !== undefined) delete run.delayMs;
    return run;
  });
  const bulk = fc.constantFrom(50, 1500).map((n) => ({
    runs: new Raw(`[${Array(n).fill('{"kind":"notify","input":{"title":"bulk"},"lane":"serial","name":"bulk"}').join(',')}]`, `${n} notify runs`),
  }));
  const taskDef = fc.tuple(kindAndInput, opt({
    ...runOptions, name: fc.nat(400).map((n) => `task-${n}`), timeoutMs: fc.constantFrom(1000, null),
  }, ['name'])).map(([ki, rest]) => ({ ...ki, ...rest }));
  const schedule = fc.oneof(
    opt({
      cron: cronArb, timeZone: zoneArb, overlap: fc.constantFrom('skip', 'queue', 'allow'),
      catchUp: fc.constantFrom('once', 'all', 'skip'), catchUpMax: fc.integer({ min: 1, max: 10_000 }), enabled: fc.boolean(),
    }, ['cron']),
    opt({ runAt: future, overlap: fc.constantFrom('skip', 'queue', 'allow'), enabled: fc.boolean() }, ['runAt']),
  );
  const byTask = fc.record({ taskId: scheduledTask });
  // Hooks: run a task (perhaps one that loops back, or none), or a webhook (a URL, or not one).
  const hookList = fc.array(fc.oneof(
    fc.record({ on: fc.constantFrom('succeeded', 'failed', 'dead', 'ended', 'sometimes'), runTask: taskId }),
    fc.record({ on: fc.constantFrom('failed', 'ended'), webhook: opt({ url: fc.constantFrom('http://127.0.0.1:9/h', 'ftp://x', 'not a url'), secret: fc.constantFrom('short', 'x'.repeat(16)) }, ['url']) }),
  ), { maxLength: 3 });
  const empty = fc.constant({});
  return {
    enqueue: enqueueRun,
    enqueueMany: fc.oneof({ weight: 9, arbitrary: fc.record({ runs: fc.array(enqueueRun, { minLength: 1, maxLength: 4 }) }) }, { weight: 1, arbitrary: bulk }),
    cancel: fc.record({ ids: fc.array(fc.oneof(activeId, runId), { minLength: 1, maxLength: 3 }) }),
    retry: fc.record({ ids: fc.array(fc.oneof(endedId, runId), { minLength: 1, maxLength: 3 }) }),
    discard: fc.record({ ids: fc.array(fc.oneof(deadId, runId), { minLength: 1, maxLength: 3 }) }),
    promote: fc.record({ ids: fc.array(fc.oneof(activeId, runId), { minLength: 1, maxLength: 3 }) }),
    hold: fc.record({ ids: fc.array(fc.oneof(activeId, runId), { minLength: 1, maxLength: 3 }) }),
    editRun: fc.record({ id: fc.oneof(activeId, runId), priority: fc.integer({ min: -1, max: 11 }), lane: fc.constantFrom('default', 'serial', 'nope') }, { requiredKeys: ['id'] }),
    release: fc.record({ ids: fc.array(fc.oneof(activeId, runId), { minLength: 1, maxLength: 3 }) }),
    bulk: fc.record({ action: fc.constantFrom('retry', 'cancel', 'discard'), filter: opt({ status: fc.subarray([...RUN_STATUSES]), lane, taskId, kind: fc.constantFrom('shell', 'http') }) }),
    stats: opt({ from: fc.constantFrom(0, 1_700_000_000_000), to: fc.constantFrom(8.64e15, 4_102_444_800_000), groupBy: fc.constantFrom('task', 'lane', 'kind') }),
    history: opt({
      from: fc.constantFrom(0, 1_700_000_000_000, 4_102_444_800_000), to: fc.constantFrom(8.64e15, 4_102_444_800_000, 1_700_000_000_001),
      bucket: fc.constantFrom('hour', 'day'), taskId, lane, kind: fc.constantFrom('shell', 'http', 'nope'),
    }),
    search: opt({
      query: fc.oneof(fc.constantFrom('fuzz', 'bulk', '"x', 'a OR', 'NEAR(', '*', 'hello world', 'x AND NOT y'), fc.string({ minLength: 1, maxLength: 30 })),
      syntax: fc.constantFrom('words', 'fts'), order: fc.constantFrom('rank', 'newest'), status: fc.subarray([...RUN_STATUSES]), lane, taskId,
      kind: fc.constantFrom('shell', 'http'), limit: fc.integer({ min: 1, max: 200 }), offset: fc.integer({ min: 0, max: 10_000 }),
    }, ['query']),
    getRun: fc.record({ id: runId }),
    whyWaiting: fc.record({ id: runId }),
    listRuns: opt({
      status: fc.subarray([...RUN_STATUSES]), lane, taskId, kind: fc.constantFrom('shell', 'http', 'nope'), text: fc.constantFrom('bulk', 'fuzz', '%', '_'), createdFrom: fc.constantFrom(0, 1_700_000_000_000),
      createdTo: fc.constantFrom(8.64e15, 4_102_444_800_000), cursor: runId, limit: fc.integer({ min: 1, max: 500 }), oldestFirst: fc.boolean(), withTotal: fc.boolean(),
    }),
    counts: empty,
    getLogs: opt({ runId, afterSeq: fc.nat(10), limit: fc.integer({ min: 1, max: 10_000 }) }, ['runId']),
    tailLogs: opt({ runId, lines: fc.integer({ min: 1, max: 10_000 }) }, ['runId']),
    prune: opt({ olderThanDays: fc.constantFrom(0, 0.5, 30, 36_500), keepLast: fc.constantFrom(0, 10, 1000, 10_000_000) }),
    listLanes: empty,
    createLane: opt({
      name: fc.nat(300).map((n) => `fz-${n}`), concurrency: fc.integer({ min: 1, max: 1000 }),
      rateLimit: fc.option(fc.record({ max: fc.integer({ min: 1, max: 1_000_000 }), intervalMs: fc.integer({ min: 1, max: DAY }) })),
    }, ['name']),
    updateLane: opt({
      name: lane, concurrency: fc.integer({ min: 1, max: 1000 }),
      rateLimit: fc.option(fc.record({ max: fc.integer({ min: 1, max: 1_000_000 }), intervalMs: fc.integer({ min: 1, max: DAY }) })),
    }, ['name']),
    pauseLane: fc.record({ name: lane }),
    resumeLane: fc.record({ name: lane }),
    pauseAll: empty,
    resumeAll: empty,
    deleteLane: fc.record({ name: fc.oneof(lane, fc.nat(300).map((n) => `fz-${n}`)) }),
    listTasks: empty,
    // With a schedule saved in the same command, sometimes (a refused one saves nothing).
    createTask: fc.tuple(taskDef, fc.option(schedule, { nil: undefined }), fc.option(hookList, { nil: undefined }))
      .map(([t, sc, hk]) => ({ ...t, ...(sc && { schedule: sc }), ...(hk && { hooks: hk }) })),
    updateTask: fc.tuple(fc.record({ id: taskId }), fc.option(kindAndInput, { nil: undefined }), opt({
      ...runOptions, name: fc.nat(400).map((n) => `task-${n}`), timeoutMs: fc.constantFrom(1000, null),
      schedule: fc.option(schedule, { nil: null }), hooks: hookList,
      notify: fc.option(opt({ failed: fc.boolean(), slowSuccessMs: fc.constantFrom(null, 60_000, 5) }), { nil: null }),
    })).map(([id, ki, rest]) => ({ ...id, ...ki, ...rest })),
    deleteTask: fc.record({ id: taskId }),
    runTask: opt({
      id: taskId,
      overrides: opt({
        input: fc.constant({ title: 'override' }), lane, priority: fc.integer({ min: 0, max: 10 }), maxAttempts: fc.integer({ min: 1, max: 100 }),
        timeoutMs: fc.constantFrom(1, null), runAt: future, delayMs: fc.constantFrom(0, DAY),
      }),
    }, ['id']),
    setSchedule: fc.tuple(fc.record({ taskId }), schedule).map(([t, s]) => ({ ...t, ...s })),
    pauseSchedule: byTask,
    resumeSchedule: byTask,
    clearSchedule: byTask,
    previewSchedule: opt({
      cron: cronArb, timeZone: zoneArb,
      from: fc.oneof(fc.constantFrom(0, 8.64e15, 8.64e15 - DAY), fc.integer({ min: 0, max: 4_102_444_800_000 })), count: fc.integer({ min: 1, max: 100 }),
    }, ['cron']),
    explainMissed: byTask,
    upcomingFires: opt({ limit: fc.integer({ min: 1, max: 100 }) }),
    listPlugins: empty,
    listKinds: empty,
    getNotifyPolicy: empty,
    setNotifyPolicy: opt({ failed: fc.boolean(), dead: fc.boolean(), succeeded: fc.boolean(), missed: fc.boolean(), longerThanUsual: fc.boolean(),
      slowSuccessMs: fc.oneof(fc.constant(null), fc.constantFrom(0, 999, 60_000, 31 * DAY)), runningLongerThanMs: fc.oneof(fc.constant(null), fc.constantFrom(1000, 3_600_000, 2.5)) }),
    describeCommand: fc.record({ name: fc.oneof(fc.constantFrom('enqueue', 'createTask', 'listRuns', 'bulk'), fc.string({ maxLength: 20 })) }),
    // The inbox: messages (JSON naming a task, text, malformed), decisions on them (perhaps
    // decided already, perhaps none), sources, and rules (a bad pattern, a missing task).
    listMessages: opt({ status: fc.constantFrom('pending', 'approved', 'rejected', 'maybe'), source: fc.constantFrom('api', 'chat', 'Bad Name'),
      beforeId: fc.integer({ min: 0, max: 100 }), limit: fc.integer({ min: 0, max: 501 }) }),
    getMessage: fc.record({ id: fc.integer({ min: 0, max: 50 }) }),
    sendMessage: opt({
      source: fc.constantFrom('api', 'chat', 'folder', 'Bad Name', ''),
      text: fc.oneof(fc.constantFrom('{"task": "task-1"}', '{"task": "task-1", "input": {"title": "from fuzz"}}', '{"createTask": {"name": "fz-new", "kind": "notify", "input": {"title": "x"}}}', '{', 'deploy shop'), fc.string({ maxLength: 40 })),
      format: fc.constantFrom('text', 'json', 'xml'),
    }, ['text']),
    approveMessage: opt({ id: fc.integer({ min: 1, max: 50 }), proposal: fc.oneof(
      fc.record({ task: fc.constantFrom('task-1', 'task-2', 'none'), input: fc.constantFrom({ title: 'edited' }, 'x') }, { requiredKeys: ['task'] }),
      fc.record({ createTask: fc.constantFrom({ name: 'fz-made', kind: 'notify', input: { title: 'x' } }, { kind: 'nope' }, []) }),
    ) }, ['id']),
    rejectMessage: opt({ id: fc.integer({ min: 1, max: 50 }), reason: fc.string({ maxLength: 20 }) }, ['id']),
    getIntake: empty,
    addIntakeSource: opt({ name: fc.constantFrom('chat', 'phone', 'folder', 'Bad', 'x'.repeat(41)), newToken: fc.boolean() }, ['name']),
    removeIntakeSource: fc.record({ name: fc.constantFrom('chat', 'phone', 'nobody') }),
    setIntakeRules: fc.record({ rules: fc.array(opt({
      name: fc.constantFrom('r', ''), source: fc.constantFrom('chat', 'api', 'BAD'), match: fc.constantFrom('^deploy (\\w+)', '(', '.*', '(a+)+$'),
      task: fc.constantFrom('task-1', 'none'), input: fc.constantFrom({ title: '{{match.1}}' }, 'text'), autoApprove: fc.boolean(),
    }), { maxLength: 3 }) }),
    reloadPlugins: empty,
    exportConfig: empty,
    // Lanes of the file (new ones, or ones that exist: updated), tasks in them or in existing
    // lanes, some with a schedule.
    importConfig: fc.tuple(
      fc.array(opt({
        name: fc.oneof(fc.nat(50).map((n) => `imp-${n}`), lane), concurrency: fc.integer({ min: 1, max: 8 }),
        rateLimit: fc.option(fc.record({ max: fc.integer({ min: 1, max: 100 }), intervalMs: fc.constantFrom(1000, 60_000) })),
      }, ['name']), { maxLength: 2 }),
      fc.array(fc.tuple(taskDef, fc.option(schedule, { nil: undefined }), fc.nat()), { maxLength: 3 }),
    ).map(([lanes, tasks]) => ({
      config: {
        version: 1,
        lanes,
        tasks: tasks.map(([t, s, n]) => ({ ...t, ...(lanes.length && n % 2 === 0 && { lane: lanes[n % lanes.length].name }), ...(s !== undefined && { schedule: s }) })),
      },
    })),
  };
}

// ---- requests -----------------------------------------------------------------------------------

export type Origin = 'example' | 'mutation' | 'json' | 'raw' | 'content-type' | 'unknown-command';

export interface FuzzRequest {
  command: string;
  origin: Origin;
  /** The JSON body (origin raw: undefined). */
  input?: Json;
  /** A body that is not (necessarily) JSON. */
  raw?: Uint8Array;
  contentType: string | null;
}

const JSON_TYPES = ['application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=latin1'];
const OTHER_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-seq',
  'application/jsonx', 'json', '', 'application/javascript', 'application/json, text/plain', 'text/json', 'application/*', '*/*',
  'application/ld+json', 'application/problem+json', 'application/vnd.api+json'];

/** Whether the host takes this Content-Type as JSON (the same reading as http-host.ts). */
export const isJsonType = (type: string | null): boolean => (type ?? '').split(';')[0].trim().toLowerCase() === 'application/json';

const RAW_TEXTS = ['', ' ', '\n', '\r\n\t ', 'null', 'undefined', 'NaN', 'Infinity', '-Infinity', "{'a':1}", '{"a":1,}', '/**/{}',
  '{"a":1}{"b":2}', '[1,]', '{"__proto__":{"polluted":1}}', '\u0000', '{"a":"\\x41"}', '{"a":01}', '{"a":.5}', '{"a":+1}',
  '{"a":0x10}', '{a:1}', '{"a":"\t"}', '"\\ud800"', '{"kind":"notify","kind":"shell"}', '{"a":1}\u0000', '\ufeff{}', '\u00a0{}',
  '{"a":[1,2,3', '{"a":"', 'true false', '[]]', '{}}'];

function rawBodyArb(example: fc.Arbitrary<Json>): fc.Arbitrary<Uint8Array> {
  const text = example.map(toText);
  return fc.oneof(
    fc.constantFrom(...RAW_TEXTS).map((t) => Buffer.from(t)),
    fc.string({ unit: 'binary', maxLength: 100 }).map((t) => Buffer.from(t)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.tuple(text, fc.nat()).map(([t, n]) => Buffer.from(t.slice(0, n % Math.max(t.length, 1)))),
    fc.tuple(text, fc.constantFrom('}', ',', 'x', ']', '\u0000', ' garbage')).map(([t, g]) => Buffer.from(t + g)),
    text.map((t) => Buffer.from(`\ufeff${t}`)),
    // Bytes that are not UTF-8, inside the JSON text (in a string or between tokens).
    fc.tuple(text, fc.nat(), fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]))
      .map(([t, at, bytes]) => { const b = Buffer.from(t); const i = at % (b.length + 1); return Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]); }),
  );
}

const UNKNOWN_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'Enqueue', 'enqueue ', ' counts',
  'counts/', 'api', 'events', '..', '.', 'counts?x=1', '%', '%25', 'COUNTS', 'enqueue\u0000', 'dispatch', 'start', 'stop', 'durable',
  'on', 'idle', 'wake', 'registerKind', 'kinds', 'dbPath', 'dataDir', 'lastSeq', 'enqueueFrom', 'enqueueRows', 'insertRows', 'buildRow',
  'metrics', '/counts', 'events/../counts', 'counts#x'];
/** Names the host must answer UNKNOWN_COMMAND for (never one that could reach a forbidden one). */
const unknownNameArb = fc.oneof(
  fc.constantFrom(...UNKNOWN_NAMES),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
).filter((name) => {
  try { assertSafe(`/api/${encodeURIComponent(name)}`); } catch { return false; }
  return !FORBIDDEN_COMMANDS.has(serverView(name));
});

/** Every command the fuzz sends: all of the contract but the two that un-pause lanes. */
export const FUZZED_COMMANDS = COMMAND_NAMES.filter((c) => !FORBIDDEN_COMMANDS.has(c));

export function requestArb(pools: () => Pools): fc.Arbitrary<FuzzRequest> {
  const ex = examples(pools);
  const jsonType = fc.constantFrom(...JSON_TYPES);
  const perCommand = FUZZED_COMMANDS.map((command) => fc.oneof(
    { weight: 2, arbitrary: fc.tuple(ex[command], jsonType).map(([input, contentType]): FuzzRequest => ({ command, origin: 'example', input, contentType })) },
    { weight: 9, arbitrary: fc.tuple(ex[command], opsArb, jsonType).map(([input, ops, contentType]): FuzzRequest => ({ command, origin: 'mutation', input: applyOps(input, ops), contentType })) },
    { weight: 6, arbitrary: fc.tuple(anyBodyArb, jsonType).map(([input, contentType]): FuzzRequest => ({ command, origin: 'json', input, contentType })) },
    { weight: 1, arbitrary: rawBodyArb(ex[command]).map((raw): FuzzRequest => ({ command, origin: 'raw', raw, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(ex[command], fc.option(fc.constantFrom(...OTHER_TYPES), { nil: null }))
      .map(([input, contentType]): FuzzRequest => ({ command, origin: 'content-type', input, contentType })) },
  ));
  const unknown = fc.tuple(unknownNameArb, fc.oneof(fc.constant({} as Json), anyBodyArb))
    .map(([command, input]): FuzzRequest => ({ command, origin: 'unknown-command', input, contentType: 'application/json' }));
  return fc.oneof(...perCommand.map((arbitrary) => ({ weight: 3, arbitrary })), { weight: 2, arbitrary: unknown });
}

// ---- safety: nothing sent may un-pause a lane or schedule a run into a lane that is not paused ----

/**
 * Makes a body safe to send (see SAFETY in property.ts): no `paused` field in a lane's
 * definition, and in an import, a schedule only for tasks whose lane already exists (every
 * existing lane is paused; a lane the import creates is not, until the pauseAll that follows,
 * and a schedule due at once could put a run in it meanwhile).
 */
export function makeSafe(command: string, value: Json, lanes: ReadonlySet<string>): { value: Json; changed: boolean } {
  let changed = false;
  const noPaused = (o: Json) => {
    if (isObject(o) && Object.prototype.hasOwnProperty.call(o, 'paused')) { delete o.paused; changed = true; }
  };
  const v = clone(value);
  if (command === 'createLane' || command === 'updateLane') noPaused(v);
  if (command === 'importConfig' && isObject(v) && isObject(v.config)) {
    const { config } = v;
    if (Array.isArray(config.lanes)) config.lanes.forEach(noPaused);
    if (Array.isArray(config.tasks)) {
      for (const task of config.tasks) {
        if (!isObject(task) || !Object.prototype.hasOwnProperty.call(task, 'schedule')) continue;
        const lane = Object.prototype.hasOwnProperty.call(task, 'lane') ? task.lane : 'default';
        if (typeof lane !== 'string' || !lanes.has(lane)) { delete task.schedule; changed = true; }
      }
    }
  }
  return { value: v, changed };
}

/** The exact bytes sent for a request. */
export function bodyOf(req: FuzzRequest, lanes: ReadonlySet<string>): Buffer {
  const command = serverView(req.command);
  if (req.raw) {
    const buf = Buffer.from(req.raw);
    // A raw body that happens to parse is held to the same rules as any JSON body.
    let parsed: Json | undefined;
    try { parsed = JSON.parse(buf.toString('utf8')) as Json; } catch { return buf; }
    const safe = makeSafe(command, parsed, lanes);
    return safe.changed ? Buffer.from(toText(safe.value)) : buf;
  }
  return Buffer.from(toText(makeSafe(command, req.input ?? null, lanes).value));
}

/** One line per request, for reports. */
export function describe(req: FuzzRequest, body: Buffer, max = 600): string {
  const text = body.toString('utf8');
  const shown = text.length > max ? `${text.slice(0, max)}… (${body.length} bytes)` : text;
  return `POST /api/${encodeURIComponent(req.command)} [${req.origin}] Content-Type: ${req.contentType ?? '(none)'}\n  body: ${JSON.stringify(shown)}`;
}

export { isCommand };
