import { useCallback, useState, type ReactNode } from 'react';
import { AnnounceContext } from './use-announce';

/**
 * One polite live region for the signed-in screens. Each announcement is a new node, so the same
 * words twice are read twice; it unmounts (and forgets) on sign-out and lock.
 */
export function Announcer({ children }: { readonly children: ReactNode }) {
  const [latest, setLatest] = useState<{ readonly id: number; readonly text: string } | null>(null);
  const announce = useCallback((text: string) => {
    setLatest((previous) => ({ id: (previous?.id ?? 0) + 1, text }));
  }, []);
  return (
    <AnnounceContext value={announce}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {latest && <span key={latest.id}>{latest.text}</span>}
      </div>
    </AnnounceContext>
  );
}
