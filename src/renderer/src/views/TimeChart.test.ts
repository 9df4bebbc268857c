// The chart's text alternative (a summary for the picture, the numbers as a table) and the
// uPlot options it draws with.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { duration } from '../format';
import { chartOptions, TimeChart, type TimeChartProps } from './TimeChart';

const HOUR = 3_600_000;
const props: TimeChartProps = {
  title: 'Runs ended per hour', summary: 'Runs ended per hour, last 24 hours: 7 runs, 2 failed or dead.',
  at: [0, HOUR, 2 * HOUR], bucketMs: HOUR, label: (at) => `hour ${at / HOUR}`,
  series: [
    { label: 'ended', values: [5, 0, 2], color: 'runs', style: 'bars' },
    { label: 'failed or dead', values: [2, 0, null], color: 'failed', style: 'bars' },
  ],
};

it('says what it shows: the picture has the summary for a name, and the numbers are a table', () => {
  const html = renderToStaticMarkup(createElement(TimeChart, props));
  expect(html).toContain('<figcaption>Runs ended per hour</figcaption>');
  expect(html).toContain('<div class="chart-plot" role="img" aria-label="Runs ended per hour, last 24 hours: 7 runs, 2 failed or dead."></div>');
  expect(html).toContain('<th scope="col">ended</th><th scope="col">failed or dead</th>');
  expect(html).toContain('<tr><th scope="row">hour 0</th><td class="num">5</td><td class="num">2</td></tr>');
  expect(html).toContain('<tr><th scope="row">hour 2</th><td class="num">2</td><td class="num">–</td></tr>');
});

it('draws in the scheme\'s colours, counts on whole steps from zero, and durations as durations', () => {
  const colors = { runs: '#111111', failed: '#222222', p50: '#333333', p95: '#444444', axis: '#555555', grid: '#666666' };
  const o = chartOptions(props, colors, 500);
  expect(o.width).toBe(500);
  expect(o.series.slice(1).map((s) => [s.label, s.stroke, s.fill])).toEqual([['ended', '#111111', '#111111'], ['failed or dead', '#222222', '#222222']]);
  expect(o.axes![1].incrs).toContain(1);
  const y = o.scales!.y.range as (u: unknown, min: number, max: number) => [number, number];
  expect(y(null, 0, 0)).toEqual([0, 1]);
  const timed = chartOptions({ ...props, format: duration, series: [{ label: 'p95', values: [1500, null, 90], color: 'p95', style: 'line' }] }, colors, 500);
  expect(timed.axes![1].incrs).toBeUndefined();
  const value = timed.series[1].value as (u: unknown, v: number | null) => string;
  expect([value(null, 1500), value(null, null)]).toEqual(['1.5 s', '–']);
});
