/**
 * `npm run server -- --data <dir> --port <p> [--demo] [--host <h>] [--database-url <url>]
 * [--siem-host <h> --siem-port <p> --siem-ca <pem file> [--siem-cert <pem file> --siem-key <pem file>]
 * [--siem-enterprise-number <PEN>] [--siem-lease-seconds <s>]] [--fhir-code-system-base <https URL>]
 * [--archive-key-fingerprint <64 hex digits>] [--message-retention-days <days>]`, or, as the database owner, `npm run server -- --migrate-only --database-url <url> [--runtime-role <role>]`.
 * Pure: argv and environment in, the command or a usage error out (the PEM files are read by cli.ts).
 */
import { siemHost as siemHostSchema } from '../shared/audit/audit-event';
import { parseEnterpriseNumber, parseFhirCodeSystemBase } from '../shared/audit/export-naming';
import { parseArchiveFingerprint } from '../shared/protocol/archive-key';
import {
  DEFAULT_MESSAGE_RETENTION_DAYS,
  MAX_MESSAGE_RETENTION_DAYS,
  MIN_MESSAGE_RETENTION_DAYS,
} from '../shared/protocol/retention-days';
import { isRetentionDays } from './retention/message-retention';
import { err, ok, type Result } from '../shared/result';

export interface CliOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly demo: boolean;
  readonly databaseUrl?: string;
  /** Where to forward the audit trail: a SIEM over syslog/TLS, its certificate from the CA in `caFile`. */
  readonly siem?: {
    readonly host: string;
    readonly port: number;
    readonly caFile: string;
    /** This server's client certificate and its key, for a SIEM that requires one: both or neither. */
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly enterpriseNumber?: number;
    readonly leaseMs?: number;
  };
  /** The base URL of Wardline's FHIR code systems in audit exports, in its normal form. */
  readonly fhirCodeSystemBase?: string;
  /** The hospital's archive key every envelope must be sealed to, by its fingerprint, in its one form. */
  readonly archiveKeyFingerprint?: string;
  /** Days the server keeps a message's ciphertext after accepting it (default six years). */
  readonly messageRetentionDays?: number;
}

/** Apply the schema (as its owner) and grant the runtime role what the server needs, then exit. */
export interface MigrateOptions {
  readonly databaseUrl: string;
  readonly runtimeRole?: string;
}

export const USAGE =
  'usage: npm run server -- --data <dir> [--port <port>] [--host <host>] [--demo] [--database-url postgres://…] ' +
  '[--siem-host <host> --siem-port <port> --siem-ca <CA pem file> [--siem-cert <pem file> --siem-key <pem file>] ' +
  '[--siem-enterprise-number <PEN>] [--siem-lease-seconds <seconds>]] [--fhir-code-system-base <https URL>] ' +
  '[--archive-key-fingerprint <64 hex digits>] [--message-retention-days <days>]\n' +
  '       npm run server -- --migrate-only --database-url postgres://<owner>@… [--runtime-role <role>]';
export const DEFAULT_PORT = 8443;
/** The forwarding lease's range, in seconds (server/siem/siem-setup.ts checks the same in milliseconds). */
const LEASE_SECONDS = { min: 1, max: 300 } as const;

/** Flags that only a running server uses, so --migrate-only refuses them rather than ignore them. */
const SERVING_FLAGS = [
  '--demo',
  '--data',
  '--port',
  '--host',
  '--siem-host',
  '--siem-port',
  '--siem-ca',
  '--siem-cert',
  '--siem-key',
  '--siem-enterprise-number',
  '--siem-lease-seconds',
  '--fhir-code-system-base',
  '--archive-key-fingerprint',
  '--message-retention-days',
] as const;

/** What the command line asks for: run the server, or only migrate its database. */
export type CliCommand =
  | { readonly kind: 'serve'; readonly options: CliOptions }
  | { readonly kind: 'migrate'; readonly migrate: MigrateOptions };

/** The command, or a usage error to print above USAGE. */
export type CliParse = Result<CliCommand, string>;

export function parseCliArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliParse {
  let dataDir: string | undefined;
  let port = DEFAULT_PORT;
  let host = '127.0.0.1';
  let demo = false;
  let databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  let siemHost: string | undefined;
  let siemPort: number | undefined;
  let siemCa: string | undefined;
  let siemCert: string | undefined;
  let siemKey: string | undefined;
  let enterpriseNumber: number | undefined;
  let leaseSeconds: number | undefined;
  let fhirCodeSystemBase: string | undefined;
  let archiveKeyFingerprint: string | undefined;
  let messageRetentionDays: number | undefined;
  let migrateOnly = false;
  let runtimeRole: string | undefined;
  /** The serving flags given, so --migrate-only can name one it refuses. */
  const serving: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = argv[index + 1];
    const takeValue = (): string | null => {
      if (value === undefined || value.startsWith('--')) return null;
      index += 1;
      return value;
    };
    if (flag !== undefined && (SERVING_FLAGS as readonly string[]).includes(flag)) serving.push(flag);
    switch (flag) {
      case '--migrate-only':
        migrateOnly = true;
        break;
      case '--runtime-role': {
        const taken = takeValue();
        if (taken === null) return err('--runtime-role needs a role name');
        runtimeRole = taken;
        break;
      }
      case '--demo':
        demo = true;
        break;
      case '--data': {
        const taken = takeValue();
        if (taken === null) return err('--data needs a directory');
        dataDir = taken;
        break;
      }
      case '--port': {
        const taken = takeValue();
        const parsed = taken === null ? Number.NaN : Number(taken);
        if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
          return err('--port needs a port number (0-65535)');
        port = parsed;
        break;
      }
      case '--host': {
        const taken = takeValue();
        if (taken === null) return err('--host needs an address');
        host = taken;
        break;
      }
      case '--database-url': {
        const taken = takeValue();
        if (taken === null) return err('--database-url needs a postgres:// URL');
        databaseUrl = taken;
        break;
      }
      case '--siem-host': {
        const taken = takeValue();
        // The destination is recorded in the audit trail, which holds no free text.
        if (taken === null || !siemHostSchema.safeParse(taken).success)
          return err('--siem-host needs a host name or IP address');
        siemHost = taken;
        break;
      }
      case '--siem-port': {
        const taken = takeValue();
        const parsed = taken === null ? Number.NaN : Number(taken);
        if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535)
          return err('--siem-port needs a port number (1-65535)');
        siemPort = parsed;
        break;
      }
      case '--siem-ca': {
        const taken = takeValue();
        if (taken === null) return err('--siem-ca needs a PEM file');
        siemCa = taken;
        break;
      }
      case '--siem-cert': {
        const taken = takeValue();
        if (taken === null) return err("--siem-cert needs a PEM file (this server's client certificate)");
        siemCert = taken;
        break;
      }
      case '--siem-key': {
        const taken = takeValue();
        if (taken === null) return err("--siem-key needs a PEM file (the client certificate's private key)");
        siemKey = taken;
        break;
      }
      case '--siem-enterprise-number': {
        const taken = takeValue();
        const parsed = taken === null ? null : parseEnterpriseNumber(taken);
        if (parsed === null)
          return err(
            "--siem-enterprise-number needs the hospital's IANA Private Enterprise Number (a positive integer)",
          );
        enterpriseNumber = parsed;
        break;
      }
      case '--siem-lease-seconds': {
        const taken = takeValue();
        const parsed = taken === null ? Number.NaN : Number(taken);
        if (!/^\d+$/.test(taken ?? '') || parsed < LEASE_SECONDS.min || parsed > LEASE_SECONDS.max)
          return err(
            `--siem-lease-seconds needs a whole number of seconds (${String(LEASE_SECONDS.min)}-${String(LEASE_SECONDS.max)})`,
          );
        leaseSeconds = parsed;
        break;
      }
      case '--fhir-code-system-base': {
        const taken = takeValue();
        const parsed = taken === null ? null : parseFhirCodeSystemBase(taken);
        if (parsed === null) return err('--fhir-code-system-base needs an https URL without query or fragment');
        fhirCodeSystemBase = parsed;
        break;
      }
      case '--archive-key-fingerprint': {
        // Grouped as keygen prints it (quoted, one argument) or not.
        const taken = takeValue();
        const parsed = taken === null ? null : parseArchiveFingerprint(taken);
        if (parsed === null)
          return err(
            "--archive-key-fingerprint needs the archive key's fingerprint (64 hex digits) from archive:keygen",
          );
        archiveKeyFingerprint = parsed;
        break;
      }
      case '--message-retention-days': {
        const taken = takeValue();
        const parsed = taken !== null && /^\d+$/.test(taken) ? Number(taken) : Number.NaN;
        if (!isRetentionDays(parsed))
          return err(
            `--message-retention-days needs a whole number of days (${String(MIN_MESSAGE_RETENTION_DAYS)}-${String(MAX_MESSAGE_RETENTION_DAYS)}; default ${String(DEFAULT_MESSAGE_RETENTION_DAYS)})`,
          );
        messageRetentionDays = parsed;
        break;
      }
      default:
        return err(`unknown argument: ${String(flag)}`);
    }
  }
  if (migrateOnly) {
    if (serving.length > 0) return err(`${serving[0] ?? ''} is not used with --migrate-only`);
    // The embedded database migrates itself at start and has no roles to grant.
    if (databaseUrl === undefined) return err('--migrate-only needs --database-url (PostgreSQL)');
    return ok({ kind: 'migrate', migrate: { databaseUrl, ...(runtimeRole === undefined ? {} : { runtimeRole }) } });
  }
  if (runtimeRole !== undefined) return err('--runtime-role goes with --migrate-only');
  if (dataDir === undefined) return err('--data is required');
  const siemGiven = [siemHost, siemPort, siemCa].filter((value) => value !== undefined).length;
  // Half a SIEM configuration would silently forward nothing.
  if (siemGiven !== 0 && siemGiven !== 3) return err('--siem-host, --siem-port and --siem-ca go together');
  // A certificate without its key (or the reverse) would connect without either.
  if ((siemCert === undefined) !== (siemKey === undefined)) return err('--siem-cert and --siem-key go together');
  if (siemGiven === 0) {
    const orphan = [
      siemCert === undefined ? null : '--siem-cert',
      enterpriseNumber === undefined ? null : '--siem-enterprise-number',
      leaseSeconds === undefined ? null : '--siem-lease-seconds',
    ].find((flag) => flag !== null);
    if (orphan !== undefined) return err(`${orphan} goes with --siem-host, --siem-port and --siem-ca`);
  }
  const siem =
    siemHost !== undefined && siemPort !== undefined && siemCa !== undefined
      ? {
          host: siemHost,
          port: siemPort,
          caFile: siemCa,
          ...(siemCert === undefined || siemKey === undefined ? {} : { certFile: siemCert, keyFile: siemKey }),
          ...(enterpriseNumber === undefined ? {} : { enterpriseNumber }),
          ...(leaseSeconds === undefined ? {} : { leaseMs: leaseSeconds * 1000 }),
        }
      : undefined;
  return ok({
    kind: 'serve',
    options: {
      dataDir,
      port,
      host,
      demo,
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      ...(siem === undefined ? {} : { siem }),
      ...(fhirCodeSystemBase === undefined ? {} : { fhirCodeSystemBase }),
      ...(archiveKeyFingerprint === undefined ? {} : { archiveKeyFingerprint }),
      ...(messageRetentionDays === undefined ? {} : { messageRetentionDays }),
    },
  });
}
