// One Recharts line chart (SVG), with what uPlot shows by default: a grid, both axes and a
// hover tooltip; no animation (its default would take 1.5 s to draw the line). Resolves once
// the line's path is in the page.
import { createRoot } from 'react-dom/client';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

const time = (s) => new Date(s * 1000).toLocaleTimeString();

function Chart({ data }) {
  return (
    <LineChart width={800} height={300} data={data}>
      <CartesianGrid stroke="#e3e5ea" />
      <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={time} />
      <YAxis />
      <Tooltip />
      <Line dataKey="v" stroke="#2f6fec" dot={false} isAnimationActive={false} />
    </LineChart>
  );
}

const root = createRoot(document.getElementById('root'));
window.bench = {
  /** data: { x: seconds[], y: number[] }, turned into the rows Recharts takes (part of its cost). */
  render: (data) => new Promise((resolve) => {
    const drawn = () => document.querySelector('.recharts-line-curve')?.getAttribute('d');
    const seen = new MutationObserver(() => { if (drawn()) { seen.disconnect(); resolve(); } });
    seen.observe(document.getElementById('root'), { subtree: true, childList: true, attributes: true });
    root.render(<Chart data={data.x.map((t, i) => ({ t, v: data.y[i] }))} />);
  }),
};
