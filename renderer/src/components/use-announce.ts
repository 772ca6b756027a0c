/**
 * Polite screen-reader announcements for things that happen off-focus (a new message). Callers
 * pass short, PHI-light text: who or what kind, never message content or patient details.
 */
import { createContext, useContext } from 'react';

export type Announce = (text: string) => void;

export const AnnounceContext = createContext<Announce>(() => undefined);

export function useAnnounce(): Announce {
  return useContext(AnnounceContext);
}
