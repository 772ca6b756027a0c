/**
 * The server's SIEM option (`ServerOptions.siem`, or the `--siem-…` flags): checked before the
 * server starts, then turned into forwarding (siem-forwarding.ts) with a forwarder per term that
 * trusts only the given CA and presents the given client certificate.
 */
import { DOCUMENTATION_ENTERPRISE_NUMBER, enterpriseNumber } from '../../shared/audit/export-naming';
import type { Database } from '../db/database';
import { ServerOptionError } from '../server-option-error';
import { checkSiemClientCertificate, type SiemClientCertificate } from './siem-client-identity';
import { startSiemForwarding, type SiemForwarding } from './siem-forwarding';
import { createSyslogForwarder, type SyslogForwarderOptions } from './syslog-forwarder';

export interface SiemOptions {
  readonly host: string;
  readonly port: number;
  /** PEM of the CA that issued the SIEM's certificate: the only one trusted for it. */
  readonly caPem: string;
  /** This server's client certificate and key, for a SIEM that requires one (IHE ATNA): both or neither. */
  readonly clientCertificate?: SiemClientCertificate;
  /** The hospital's IANA Private Enterprise Number for the SD-IDs; default 32473 (documentation, RFC 5612). */
  readonly enterpriseNumber?: number;
  /** How long the forwarding lease lasts unrenewed: how soon another instance takes over from one that died. */
  readonly leaseMs?: number;
  /** The forwarder's timing (tests): probation, settling, reconnect backoff. */
  readonly delivery?: Pick<SyslogForwarderOptions, 'confirmMs' | 'settleMs' | 'backoff'>;
}

export const DEFAULT_SIEM_LEASE_MS = 15_000;
/** Under a second renews too often to be worth it; over five minutes leaves the SIEM without a forwarder too long. */
export const SIEM_LEASE_MS_MIN = 1_000;
export const SIEM_LEASE_MS_MAX = 300_000;

/** The option as it will be used; throws ServerOptionError for one that cannot be. */
export function checkSiemOptions(siem: SiemOptions): SiemOptions {
  if (siem.clientCertificate !== undefined) {
    const checked = checkSiemClientCertificate(siem.clientCertificate);
    if (!checked.ok) throw new ServerOptionError(checked.error);
  }
  if (siem.enterpriseNumber !== undefined && !enterpriseNumber.safeParse(siem.enterpriseNumber).success)
    throw new ServerOptionError('SIEM_ENTERPRISE_NUMBER_INVALID');
  const leaseMs = siem.leaseMs ?? DEFAULT_SIEM_LEASE_MS;
  if (!Number.isInteger(leaseMs) || leaseMs < SIEM_LEASE_MS_MIN || leaseMs > SIEM_LEASE_MS_MAX)
    throw new ServerOptionError('SIEM_LEASE_INVALID');
  return siem;
}

export interface SiemSetupDeps {
  readonly db: Database;
  /** The server's audit key (base64), carried with every head. */
  readonly auditKey: string;
  readonly logger: { warn(obj: object, msg: string): void };
}

export function startSiemFromOptions(siem: SiemOptions, deps: SiemSetupDeps): Promise<SiemForwarding> {
  const { logger } = deps;
  const pen = siem.enterpriseNumber ?? DOCUMENTATION_ENTERPRISE_NUMBER;
  // Every start says so: SD-IDs under the documentation number are nobody's, and a SIEM rule
  // keyed on them has to change once the hospital sets its own.
  if (pen === DOCUMENTATION_ENTERPRISE_NUMBER)
    logger.warn(
      { event: 'siem.placeholder-enterprise-number', code: 'SIEM_ENTERPRISE_NUMBER_UNSET' },
      'siem forwarding',
    );
  return startSiemForwarding({
    db: deps.db,
    leaseMs: siem.leaseMs ?? DEFAULT_SIEM_LEASE_MS,
    auditKey: deps.auditKey,
    enterpriseNumber: pen,
    logger,
    connect: () =>
      createSyslogForwarder({
        host: siem.host,
        port: siem.port,
        ca: siem.caPem,
        logger,
        ...(siem.clientCertificate === undefined ? {} : { clientCertificate: siem.clientCertificate }),
        ...siem.delivery,
      }),
  });
}
