// The notification policy, as a card of the Overview: which happenings raise a notice (a
// failure, a dead run, a success, a slow success, missed fires, a run far past its time).
// Each change is sent at once (setNotifyPolicy); a task's own policy is set with
// `tasklane notices set --task`. In a browser, a button asks for the permission to show them
// on the desktop while this page is open.
import { useEffect, useState } from 'react';
import type { NotifyPolicy } from '../../../core/api/types';
import { DURATION_EXAMPLES, parseDuration, typedDuration } from '../../../shared/duration';
import { useApp } from '../context';
import { NOTICE_LIMITS, NOTICE_SWITCHES } from '../../../shared/words';


/** Whether this page may show desktop notifications ('unsupported' in a browser without them). */
export function browserPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function NoticeSettings({ desktopApp }: { desktopApp: boolean }) {
  const api = useApp((s) => s.api);
  const act = useApp((s) => s.act);
  const [policy, setPolicy] = useState<NotifyPolicy | null>(null);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [permission, setPermission] = useState(browserPermission);
  useEffect(() => {
    let live = true;
    api.getNotifyPolicy().then((p) => { if (live) { setPolicy(p); setTexts(textsOf(p)); } }, () => {});
    return () => { live = false; };
  }, [api]);
  const save = async (patch: Partial<NotifyPolicy>) => {
    const p = await act((a) => a.setNotifyPolicy(patch), 'Notifications saved', (e) => {
      const field = (e as { field?: string }).field;
      if (field) { setErrors({ [field]: (e as Error).message.replace(/^\w+: /, '') }); return true; }
      return false;
    });
    // Only the fields saved take the engine's words: another one may be being typed in.
    if (p) {
      const saved = textsOf(p);
      setPolicy(p);
      setTexts((t) => ({ ...t, ...Object.fromEntries(Object.keys(patch).filter((k) => k in saved).map((k) => [k, saved[k]])) }));
      setErrors({});
    }
    return p !== undefined;
  };
  const saveLimit = (key: keyof NotifyPolicy) => {
    const text = (texts[key] ?? '').trim();
    const ms = text === '' || text === 'off' ? null : parseDuration(text);
    if (ms === undefined || (text !== '' && text !== 'off' && ms === null)) { setErrors({ [key]: `a duration, e.g. ${DURATION_EXAMPLES}, or empty for never` }); return; }
    if (policy && policy[key] === ms) return;
    void save({ [key]: ms });
  };
  return (
    <section className="card" aria-labelledby="ov-notices">
      <h2 id="ov-notices">Notifications</h2>
      {!policy ? <p className="empty">Reading…</p> : (
        <>
          <p className="muted small">Tell me when… (many at once come as one summary; a task can have its own: tasklane notices set --task)</p>
          <ul className="switches">
            {NOTICE_SWITCHES.map(([key, words]) => (
              <li key={key}><label><input type="checkbox" checked={policy[key] === true} onChange={(e) => { const on = e.target.checked; setPolicy({ ...policy, [key]: on }); void save({ [key]: on }).then((ok) => { if (!ok) setPolicy(policy); }); }} /> {words}</label></li>
            ))}
            {NOTICE_LIMITS.map(([key, words]) => (
              <li key={key}>
                <label>{words}{' '}
                  <input aria-label={words} className="narrow" placeholder="never" value={texts[key] ?? ''} aria-invalid={!!errors[key]}
                    onChange={(e) => setTexts({ ...texts, [key]: e.target.value })} onBlur={() => saveLimit(key)}
                    onKeyDown={(e) => { if (e.key === 'Enter') saveLimit(key); }} />
                </label>
                {errors[key] && <span className="error-line" role="alert"> {errors[key]}</span>}
              </li>
            ))}
          </ul>
          {!desktopApp && (
            permission === 'default'
              ? <button onClick={() => void Notification.requestPermission().then(setPermission)}>Show them on the desktop while this page is open</button>
              : <p className="muted small">{permission === 'granted' ? 'Shown on the desktop while this page is open; when no page is, with notify-send.'
                : permission === 'denied' ? 'This browser blocks notifications from this page; they show here, and with notify-send when no page is open.'
                  : 'This browser has no notifications; they show here, and with notify-send when no page is open.'}</p>
          )}
        </>
      )}
    </section>
  );
}

function textsOf(p: NotifyPolicy): Record<string, string> {
  return Object.fromEntries(NOTICE_LIMITS.map(([k]) => [k, p[k] === null ? '' : typedDuration(p[k] as number)]));
}
