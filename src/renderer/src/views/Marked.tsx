// Text with the words found in it marked (<mark>): a search hit's snippet, a log line.
// Always text, never HTML: run output is shown as text.
import type { SnippetPart } from '../../../core/api/types';

export function Marked({ parts, current }: { parts: readonly SnippetPart[]; current?: boolean }) {
  return (
    <>
      {parts.map((p, i) => (p.hit ? <mark key={i} className={current ? 'current' : undefined}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
