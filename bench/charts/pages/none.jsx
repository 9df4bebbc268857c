// The baseline: the same React page with no chart, so a library's own cost is the difference.
import { createRoot } from 'react-dom/client';

const root = createRoot(document.getElementById('root'));
window.bench = {
  render: () => new Promise((resolve) => { root.render(<div ref={(el) => { if (el) resolve(); }}>no chart</div>); }),
};
