/**
 * Where the audit trail is forwarded is set when the server starts (`--siem-…`), so a change
 * shows only between starts: each start compares its SIEM destination with the last one recorded
 * and records forwarding switched on, off, or pointed elsewhere. Switching off forwarding is how
 * someone would hide what follows, so it is in the trail like any other admin action.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { SERVER_OPERATOR } from '../accounts/account-events';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { AuditObject } from '../../shared/audit/audit-event';
import { lastSiemEvent, lockSiemConfiguration, recordAdminEvent } from './admin-event-store';

export interface SiemDestination {
  readonly host: string;
  readonly port: number;
  readonly caPem: string;
}

/** Host, port and the CA trusted for it (by fingerprint): a new trust anchor is a change too. */
export function siemDestinationText(siem: SiemDestination): string {
  let fingerprint: string;
  try {
    fingerprint = new X509Certificate(siem.caPem).fingerprint256.replaceAll(':', '').toLowerCase();
  } catch {
    fingerprint = createHash('sha256').update(siem.caPem.trim()).digest('hex');
  }
  return `${siem.host}:${String(siem.port)} ca-sha256:${fingerprint.slice(0, 32)}`;
}

const DESTINATION_TEXT = /^(.+):(\d{1,5}) ca-sha256:([0-9a-f]{32})$/;

/** The audit trail's object for a recorded destination; none for a text that is not one. */
export function siemDestinationObject(
  text: string | null,
): Extract<AuditObject, { kind: 'siem-destination' | 'none' }> {
  const match = text === null ? null : DESTINATION_TEXT.exec(text);
  if (match === null) return { kind: 'none' };
  return { kind: 'siem-destination', host: match[1] ?? '', port: Number(match[2]), caSha256: match[3] ?? '' };
}

/** Records the change, if any; returns what was recorded. A switch-off names the destination switched off. */
export async function recordSiemConfiguration(
  db: Database,
  clock: Clock,
  siem: SiemDestination | undefined,
): Promise<'enabled' | 'disabled' | 'changed' | null> {
  const now = siem === undefined ? null : siemDestinationText(siem);
  return db.transaction(async (tx) => {
    await lockSiemConfiguration(tx);
    const last = await lastSiemEvent(tx);
    const before = last === null || last.action === 'siem.disabled' ? null : last.subject;
    if (before === now) return null;
    const change = now === null ? 'disabled' : before === null ? 'enabled' : 'changed';
    await recordAdminEvent(tx, {
      at: clock(),
      actor: SERVER_OPERATOR,
      action: `siem.${change}`,
      targetUserId: null,
      subject: now ?? before,
    });
    return change;
  });
}
