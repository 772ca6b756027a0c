/**
 * How the Workstations section names a workstation and its state. A workstation is named by its
 * latest sign-in (main cleaned the name with the display rule; it is shown through it again); one
 * that never finished a sign-in has no name, and goes by the start of its id, which is also what
 * is typed to confirm acting on it. Pure.
 */
import { displayText } from '../../../../shared/text/display-text';
import type { Workstation } from '../admin-types';

const ID_PREFIX_CHARS = 8;

/** What must be typed to confirm an action on it: its name, or the first block of its id. */
export function confirmationName(workstation: Pick<Workstation, 'name' | 'deviceId'>): string {
  const name = workstation.name === null ? '' : displayText(workstation.name);
  return name === '' ? workstation.deviceId.slice(0, ID_PREFIX_CHARS) : name;
}

/** How sentences name it: "Ward 7 nurses station", or "the unnamed workstation 6f1c1a52". */
export function workstationName(workstation: Pick<Workstation, 'name' | 'deviceId'>): string {
  const name = workstation.name === null ? '' : displayText(workstation.name);
  return name === '' ? `the unnamed workstation ${workstation.deviceId.slice(0, ID_PREFIX_CHARS)}` : name;
}

/** Its state in words: active (and whether it is this one), or revoked and when. */
export function workstationStatus(
  workstation: Pick<Workstation, 'revokedAt' | 'thisWorkstation'>,
  time: (at: number) => string,
): string {
  if (workstation.revokedAt !== null) return `Revoked ${time(workstation.revokedAt)}`;
  return workstation.thisWorkstation ? 'Active (you are using it)' : 'Active';
}
