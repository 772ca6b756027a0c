/**
 * How the Workstations section names a workstation and its state. A workstation is named by its
 * latest sign-in (main cleaned the name with the display rule; it is shown through it again); one
 * that never finished a sign-in has no name, and goes by the start of its id, which is also what
 * is typed to confirm acting on it. Also the commands IT queued for it (a wipe), in words. Pure.
 */
import { displayText } from '../../../../shared/text/display-text';
import type { Workstation, WorkstationCommand } from '../admin-types';

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

/** Its state in words: active (and whether it is this one), revoked, or wiped (its key gone), and when. */
export function workstationStatus(
  workstation: Pick<Workstation, 'revokedAt' | 'wipedAt' | 'thisWorkstation'>,
  time: (at: number) => string,
): string {
  if (workstation.wipedAt !== null) return `Wiped ${time(workstation.wipedAt)}`;
  if (workstation.revokedAt !== null) return `Revoked ${time(workstation.revokedAt)}`;
  return workstation.thisWorkstation ? 'Active (you are using it)' : 'Active';
}

/** What a command does, in words: the whole workstation, or one person's data on it. */
export function commandText(command: Pick<WorkstationCommand, 'kind' | 'userId'>): string {
  return command.kind === 'wipe-workstation'
    ? 'Wipe the workstation'
    : `Wipe the data of ${command.userId ?? 'a person'}`;
}

/** Where it stands: waiting for the workstation's next contact, fetched by it, or carried out. */
export function commandState(command: Pick<WorkstationCommand, 'state'>): string {
  switch (command.state) {
    case 'queued':
      return 'Queued';
    case 'delivered':
      return 'Delivered';
    case 'done':
      return 'Done';
  }
}

/** What the workstation reported it did; nothing until it is done. */
export function commandResult(command: Pick<WorkstationCommand, 'kind' | 'outcome' | 'auditSynced'>): string {
  if (command.outcome === null) return '—';
  if (command.kind === 'wipe-user') return 'Their data on it was shredded';
  return command.outcome === 'wiped' && command.auditSynced === true
    ? 'Every vault shredded; its audit records reached the server, then its audit log was shredded'
    : 'Every vault shredded; its audit log was kept, since its records could not reach the server (they follow when it can)';
}
