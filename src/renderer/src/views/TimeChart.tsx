// A chart over time (lines or bars per bucket) drawn by uPlot, with its text alternative: a
// summary said for the picture and the numbers as a table under it. Reused by the Overview
// and the task page. uPlot was chosen by measurement (BENCHMARKS.md, "Charts": a fifth of
// Recharts' bundle, 10,000 points in ~25 ms instead of ~500).
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colours come from styles.css (--chart-*), so the light and dark schemes hold their contrast. */
export type ChartColor = 'runs' | 'failed' | 'p50' | 'p95';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: ChartColor;
  /** Bars are drawn in series order, each over the ones before at the same width: a part of
   *  a total drawn after the total reads as a stacked bar. */
  style: 'line' | 'bars';
}

export interface TimeChartProps {
  /** The chart's heading, and the table's caption. */
  title: string;
  /** What the chart shows, in words: the picture's accessible name. */
  summary: string;
  /** Bucket starts, epoch ms. */
  at: number[];
  /** The bucket's length (bars are as wide as a bucket leaves room for). */
  bucketMs: number;
  series: ChartSeries[];
  /** A value as the axis and the table write it. */
  format?: (v: number) => string;
  /** A bucket's start as the table writes it. */
  label: (at: number) => string;
  /** The buckets are UTC days: the time axis counts in UTC too. */
  utc?: boolean;
  height?: number;
  testId?: string;
}

const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1e6, 1e7, 1e8];

/** The colours of the scheme in force, read from the page's styles. */
function palette(el: Element): Record<ChartColor | 'axis' | 'grid', string> {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    runs: v('--chart-runs', '#2f6fec'), failed: v('--chart-failed', '#c62828'), p50: v('--chart-p50', '#2f6fec'),
    p95: v('--chart-p95', '#b26a00'), axis: v('--muted', '#6b7280'), grid: v('--line', '#e3e5ea'),
  };
}

/** The y axis as wide as its longest label ("100 ms" does not fit a fixed width). */
const fitLabels: uPlot.Axis.Size = (u, values, axisIdx, cycleNum) => {
  const axis = u.axes[axisIdx] as uPlot.Axis & { _size?: number };
  if (cycleNum > 1 && axis._size) return axis._size;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  u.ctx.font = axis.font?.[0] ?? '12px system-ui';
  return Math.ceil((axis.ticks?.size ?? 10) + (axis.gap ?? 5) + u.ctx.measureText(longest).width / devicePixelRatio) + 4;
};

/** uPlot's options for the chart at a width. */
export function chartOptions(p: TimeChartProps, colors: ReturnType<typeof palette>, width: number): uPlot.Options {
  const fmt = p.format ?? ((v: number) => v.toLocaleString('en-US'));
  const counts = !p.format;
  const bars = uPlot.paths.bars!({ size: [0.8, 48, 2], align: 0 });
  const axis = { stroke: colors.axis, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
  return {
    width, height: p.height ?? 180, ms: 1,
    ...(p.utc ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts), 'UTC') } : {}),
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // Bars need half a bucket on each side; a lone point needs some room too.
      x: { time: true, range: (_u, min, max) => [min - p.bucketMs / 2, max + p.bucketMs / 2] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      { ...axis },
      { ...axis, size: fitLabels, values: (_u, splits) => splits.map(fmt), ...(counts ? { incrs: COUNT_STEPS } : {}) },
    ],
    series: [
      { label: 'time' },
      ...p.series.map((s): uPlot.Series => ({
        // Bars are filled, not outlined: an empty bucket draws nothing.
        label: s.label, stroke: colors[s.color], width: s.style === 'bars' ? 0 : 2,
        ...(s.style === 'bars' ? { fill: colors[s.color], paths: bars, points: { show: false } } : { points: { show: p.at.length <= 60, size: 5 } }),
        value: (_u, v) => (v == null ? '–' : fmt(v)),
      })),
    ],
  };
}

export function TimeChart(p: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = useMemo(() => [p.at, ...p.series.map((s) => s.values)] as uPlot.AlignedData, [p.at, p.series]);
  /** What makes a new chart (not only new data): the series and how they are drawn. */
  const shape = [p.title, p.bucketMs, p.utc, p.height, ...p.series.map((s) => `${s.label}:${s.color}:${s.style}`)].join('|');
  const latest = useRef({ p, data });
  latest.current = { p, data };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const make = () => {
      chart.current?.destroy();
      chart.current = new uPlot(chartOptions(latest.current.p, palette(el), el.clientWidth || 600), latest.current.data, el);
    };
    make();
    const resized = new ResizeObserver(() => {
      const width = el.clientWidth;
      if (chart.current && width > 0 && width !== chart.current.width) chart.current.setSize({ width, height: chart.current.height });
    });
    resized.observe(el);
    // Canvas colours do not follow the stylesheet: a change of scheme draws the chart again.
    window.addEventListener('themechange', make);
    return () => {
      resized.disconnect();
      window.removeEventListener('themechange', make);
      chart.current?.destroy();
      chart.current = null;
    };
  }, [shape]);

  useEffect(() => { chart.current?.setData(data); }, [data]);

  const fmt = p.format ?? ((v: number) => v.toLocaleString('en-US'));
  return (
    <figure className="chart" data-testid={p.testId}>
      <figcaption>{p.title}</figcaption>
      <div className="chart-plot" ref={box} role="img" aria-label={p.summary} />
      <details className="chart-table">
        <summary>as a table</summary>
        <table>
          <caption className="visually-hidden">{p.title}</caption>
          <thead><tr><th scope="col">time</th>{p.series.map((s) => <th key={s.label} scope="col">{s.label}</th>)}</tr></thead>
          <tbody>
            {p.at.map((at, i) => (
              <tr key={at}><th scope="row">{p.label(at)}</th>{p.series.map((s) => <td key={s.label} className="num">{s.values[i] == null ? '–' : fmt(s.values[i]!)}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
