/**
 * Role addresses as the directory knows them, by id. A sealed conversation names its role
 * address by id and by a display name of the sender's choosing; only the id is taken from it,
 * and what the clinician sees is the directory's name for that id, or "unknown". Answers are
 * kept for the session (the directory search that finds an address also caches it) for naming;
 * a send asks again (`refresh`), since who is on call changes with every shift.
 */
import type { DirectoryEntry, DirectoryRole } from '../../shared/protocol/api';
import type { ApiClient } from '../server-link/api-client';

/** Directory search answers at most this many entries; an exact id is among the first. */
const SEARCH_LIMIT = 50;

export interface RoleDirectory {
  /** The directory's entry for the address; null if it does not know the id; undefined if it could not be asked. */
  lookup(addressId: string): Promise<DirectoryRole | null | undefined>;
  /** An entry already seen this session (searched for, or looked up), for sending to the address. */
  cached(addressId: string): DirectoryRole | undefined;
  /** Asks the directory again (a shift may have started since the search); keeps the last answer if it cannot be asked. */
  refresh(addressId: string): Promise<void>;
  /** Keeps the role addresses among a directory search's results. */
  remember(entries: readonly DirectoryEntry[]): void;
}

export function createRoleDirectory(deps: {
  readonly api: ApiClient;
  readonly token: () => string | null;
}): RoleDirectory {
  const known = new Map<string, DirectoryRole | null>();
  async function ask(addressId: string): Promise<DirectoryRole | null | undefined> {
    // The search matches ids by substring; only the exact id counts.
    const result = await deps.api.call('searchDirectory', { query: addressId, limit: SEARCH_LIMIT }, deps.token());
    if (!result.ok) return undefined;
    const entry =
      result.value.entries.find(
        (found): found is DirectoryRole => found.kind === 'role' && found.addressId === addressId,
      ) ?? null;
    known.set(addressId, entry);
    return entry;
  }
  return {
    async lookup(addressId) {
      const seen = known.get(addressId);
      return seen !== undefined ? seen : ask(addressId);
    },
    cached: (addressId) => known.get(addressId) ?? undefined,
    async refresh(addressId) {
      await ask(addressId);
    },
    remember(entries) {
      for (const entry of entries) if (entry.kind === 'role') known.set(entry.addressId, entry);
    },
  };
}
