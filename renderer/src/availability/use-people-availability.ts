/**
 * Other people's availability for a thread header, asked of the directory when the thread opens
 * and again at most once a minute: a value up to a minute old is fine for "Busy until 14:30".
 * Kept per workstation window only while it runs (module state: nothing is stored on disk).
 */
import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { Availability } from '../../../shared/protocol/availability';

const FRESH_MS = 60_000;
const known = new Map<string, { readonly at: number; readonly availability: Availability }>();

export function usePeopleAvailability(
  bridge: WardlineApi,
  userIds: readonly string[],
): ReadonlyMap<string, Availability> {
  const key = [...new Set(userIds)].sort().join(',');
  const [, setVersion] = useState(0);
  useEffect(() => {
    const ids = key === '' ? [] : key.split(',');
    const stale = ids.filter((id) => (known.get(id)?.at ?? 0) < Date.now() - FRESH_MS).slice(0, 100);
    if (stale.length === 0) return;
    let current = true;
    void bridge.directory.availability({ userIds: stale }).then((result) => {
      if (!result.ok) return;
      const at = Date.now();
      for (const person of result.value.people) known.set(person.userId, { at, availability: person.availability });
      if (current) setVersion((version) => version + 1);
    });
    return () => {
      current = false;
    };
  }, [bridge, key]);
  const found = new Map<string, Availability>();
  for (const id of userIds) {
    const entry = known.get(id);
    if (entry !== undefined) found.set(id, entry.availability);
  }
  return found;
}
