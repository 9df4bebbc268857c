// One uPlot line chart in React, as the window would use it: a component that makes the chart
// in an effect (uPlot draws on a canvas; React owns only the div). Resolves once uPlot drew.
import { useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

function Chart({ data, onDraw }) {
  const el = useRef(null);
  useEffect(() => {
    const chart = new uPlot({
      width: 800, height: 300,
      series: [{}, { label: 'runs', stroke: '#2f6fec', width: 1.5 }],
      hooks: { draw: [() => onDraw()] },
    }, [data.x, data.y], el.current);
    return () => chart.destroy();
  }, [data, onDraw]);
  return <div ref={el} />;
}

const root = createRoot(document.getElementById('root'));
window.bench = {
  /** data: { x: seconds[], y: number[] } */
  render: (data) => new Promise((resolve) => { root.render(<Chart data={data} onDraw={resolve} />); }),
};
