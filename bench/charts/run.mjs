// The chart libraries side by side (BENCHMARKS.md, "Charts"): for uPlot and Recharts, the
// bundle of a React page with one line chart (minified, then gzip -9) and the time to render
// a line chart of 10,000 points in headless Chromium, from the render call to the first frame
// after the chart is drawn, in a fresh page each run (median of RUNS, the libraries taking
// turns). Prints one JSON line per result, then a markdown table.
//   npm run bench:charts            (installs this folder's packages first)
//   CHROMIUM_PATH=… RUNS=15 node bench/charts/run.mjs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 9);
const POINTS = 10_000;
const PAGES = ['none', 'uplot', 'recharts'];
const out = mkdtempSync(join(tmpdir(), 'tasklane-charts-'));

/** Bundles a page as the window's build would (minified, production React); its sizes. */
async function bundle(name) {
  const dir = join(out, name);
  await build({
    entryPoints: [join(here, 'pages', `${name}.jsx`)], bundle: true, minify: true, format: 'iife', target: 'es2022',
    jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, outdir: dir, entryNames: 'page', logLevel: 'error',
    nodePaths: [join(here, 'node_modules')],
  });
  let css = '';
  try { css = readFileSync(join(dir, 'page.css'), 'utf8'); } catch { /* no stylesheet */ }
  const js = readFileSync(join(dir, 'page.js'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">${css ? '<link rel="stylesheet" href="page.css">' : ''}</head>`
    + '<body><div id="root"></div><script src="page.js"></script></body></html>');
  const all = Buffer.concat([js, Buffer.from(css)]);
  return { name, url: pathToFileURL(join(dir, 'index.html')).href, minBytes: all.length, gzipBytes: gzipSync(js, { level: 9 }).length + (css ? gzipSync(css, { level: 9 }).length : 0) };
}

/** Renders POINTS points (one a minute, a random walk) in a fresh page: ms to drawn, and to the frame after. */
async function renderOnce(browser, page) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 600 } });
  const tab = await context.newPage();
  await tab.goto(page.url);
  const t = await tab.evaluate(async (n) => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const x = new Array(n); const y = new Array(n);
    let v = 50;
    for (let i = 0; i < n; i++) { x[i] = 1_767_225_600 + i * 60; v = Math.max(0, v + rand() * 4 - 2); y[i] = Math.round(v * 10) / 10; }
    const t0 = performance.now();
    await window.bench.render({ x, y });
    const drawn = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { drawn, frame: performance.now() - t0 };
  }, POINTS);
  await context.close();
  return t;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const pages = {};
for (const name of PAGES) pages[name] = await bundle(name);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run'],
});
const times = { uplot: [], recharts: [] };
try {
  // One warm-up each (the browser's own first start), not counted; then turns.
  for (const name of ['uplot', 'recharts']) await renderOnce(browser, pages[name]);
  for (let i = 0; i < RUNS; i++) {
    for (const name of i % 2 ? ['recharts', 'uplot'] : ['uplot', 'recharts']) times[name].push(await renderOnce(browser, pages[name]));
  }
} finally {
  await browser.close();
  rmSync(out, { recursive: true, force: true });
}

const kb = (b) => (b / 1024).toFixed(1);
const rows = ['uplot', 'recharts'].map((name) => {
  const p = pages[name];
  const r = {
    library: name, minKB: +kb(p.minBytes), gzipKB: +kb(p.gzipBytes),
    chartMinKB: +kb(p.minBytes - pages.none.minBytes), chartGzipKB: +kb(p.gzipBytes - pages.none.gzipBytes),
    points: POINTS, runs: RUNS,
    drawnMs: +median(times[name].map((t) => t.drawn)).toFixed(1), frameMs: +median(times[name].map((t) => t.frame)).toFixed(1),
    frameMinMs: +Math.min(...times[name].map((t) => t.frame)).toFixed(1), frameMaxMs: +Math.max(...times[name].map((t) => t.frame)).toFixed(1),
  };
  console.log(JSON.stringify(r));
  return r;
});
console.log(JSON.stringify({ library: 'none (React page, no chart)', minKB: +kb(pages.none.minBytes), gzipKB: +kb(pages.none.gzipBytes) }));
console.log('\n| library | page min KB | page gzip KB | chart\'s own min KB | chart\'s own gzip KB | 10k points: drawn, median ms | to the next frame, median (min–max) ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.library} | ${r.minKB} | ${r.gzipKB} | ${r.chartMinKB} | ${r.chartGzipKB} | ${r.drawnMs} | ${r.frameMs} (${r.frameMinMs}–${r.frameMaxMs}) |`);
console.log(`(React alone: ${kb(pages.none.minBytes)} KB min, ${kb(pages.none.gzipBytes)} KB gzip; ${RUNS} runs each, ${POINTS.toLocaleString('en-US')} points)`);
