/**
 * A person's stored availability as the directory shows it at `now`: null when there is none or
 * its time has passed (nothing sweeps: the answering clock decides). A cover who has since been
 * deactivated, or whose role no longer receives messages, is shown as no cover, so no client
 * copies a message to someone who may not have it.
 */
import { receivesMessages } from '../../shared/access/permission-matrix';
import { inForce, type Availability, type AwayState } from '../../shared/protocol/availability';

/** The columns directory-store.ts selects from `availability` and the cover's account. */
export type AvailabilityRow = {
  readonly availability_state: AwayState | null;
  /** bigint: text from node-postgres, a number from PGlite. */
  readonly availability_until: string | number | null;
  readonly cover_user_id: string | null;
  readonly cover_display_name: string | null;
  readonly cover_role: string | null;
  readonly cover_active: boolean | null;
};

export function availabilityEntry(row: AvailabilityRow, now: number): Availability {
  if (row.availability_state === null || row.availability_until === null) return null;
  const cover =
    row.cover_user_id !== null &&
    row.cover_display_name !== null &&
    row.cover_active === true &&
    receivesMessages(row.cover_role ?? '')
      ? { userId: row.cover_user_id, displayName: row.cover_display_name }
      : null;
  return inForce(
    {
      state: row.availability_state,
      until: Number(row.availability_until),
      cover,
    },
    now,
  );
}
