// The desktop app's "Start at login" switch (Windows, macOS): Tasklane starts when you log in
// (on Windows hidden in the tray), so schedules run after a reboot. A browser page (serve)
// and the desktop app on Linux point to `tasklane service install`, which does that job there.
import { useEffect, useState } from 'react';
import type { DesktopBridge } from '../api';

export function StartAtLogin({ desktop }: { desktop: DesktopBridge | undefined }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [supported, setSupported] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void desktop?.openAtLogin().then((v) => { setSupported(v !== null); setOn(v); }, (e: unknown) => setError(String(e)));
  }, [desktop]);
  // A browser page, or a desktop app where login items do not exist (Linux): the command does it.
  if (!desktop || on === null && supported === false) {
    return <p className="hint">To start Tasklane at login, run <code>tasklane service install</code>{desktop ? '' : ' (or use the desktop app)'}.</p>;
  }
  return (
    <label className="setting">
      <input type="checkbox" checked={on ?? false} disabled={on === null}
        onChange={(e) => { const want = e.target.checked; void desktop.setOpenAtLogin(want).then(setOn, (err: unknown) => setError(String(err))); }} />
      {' '}Start Tasklane when I log in, so schedules run after a reboot
      {error && <span className="error"> — {error}</span>}
    </label>
  );
}
