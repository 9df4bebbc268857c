// The desktop app's "Start at login" switch: Tasklane starts hidden in the tray when you log
// in, so schedules run after a reboot without opening the window. A browser page (serve)
// has no such switch: `tasklane service install` does that job there.
import { useEffect, useState } from 'react';
import type { DesktopBridge } from '../api';

export function StartAtLogin({ desktop }: { desktop: DesktopBridge | undefined }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { void desktop?.openAtLogin().then(setOn, (e: unknown) => setError(String(e))); }, [desktop]);
  if (!desktop) {
    return <p className="hint">To start Tasklane at login, run <code>tasklane service install</code> (or use the desktop app).</p>;
  }
  return (
    <label className="setting">
      <input type="checkbox" checked={on ?? false} disabled={on === null}
        onChange={(e) => { const want = e.target.checked; void desktop.setOpenAtLogin(want).then(setOn, (err: unknown) => setError(String(err))); }} />
      {' '}Start Tasklane when I log in (hidden, in the tray), so schedules run after a reboot
      {error && <span className="error"> — {error}</span>}
    </label>
  );
}
