/**
 * `npm run server -- --data <dir> --port <p> [--demo] [--host <h>] [--database-url <url>]
 * [--siem-host <h> --siem-port <p> --siem-ca <pem file>]`, or, as the database owner,
 * `npm run server -- --migrate-only --database-url <url> [--runtime-role <role>]`.
 * Pure: argv and environment in, the command or a usage error out (the CA file is read by cli.ts).
 */
import { siemHost as siemHostSchema } from '../shared/audit/audit-event';
import { err, ok, type Result } from '../shared/result';

export interface CliOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly demo: boolean;
  readonly databaseUrl?: string;
  /** Where to forward the audit trail: a SIEM over syslog/TLS, its certificate from the CA in `caFile`. */
  readonly siem?: { readonly host: string; readonly port: number; readonly caFile: string };
}

/** Apply the schema (as its owner) and grant the runtime role what the server needs, then exit. */
export interface MigrateOptions {
  readonly databaseUrl: string;
  readonly runtimeRole?: string;
}

export const USAGE =
  'usage: npm run server -- --data <dir> [--port <port>] [--host <host>] [--demo] [--database-url postgres://…] ' +
  '[--siem-host <host> --siem-port <port> --siem-ca <CA pem file>]\n' +
  '       npm run server -- --migrate-only --database-url postgres://<owner>@… [--runtime-role <role>]';
export const DEFAULT_PORT = 8443;

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
  let migrateOnly = false;
  let runtimeRole: string | undefined;
  /** Flags that only a running server uses, so --migrate-only refuses them rather than ignore them. */
  const serving: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = argv[index + 1];
    const takeValue = (): string | null => {
      if (value === undefined || value.startsWith('--')) return null;
      index += 1;
      return value;
    };
    if (
      flag !== undefined &&
      ['--demo', '--data', '--port', '--host', '--siem-host', '--siem-port', '--siem-ca'].includes(flag)
    )
      serving.push(flag);
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
  const siem =
    siemHost !== undefined && siemPort !== undefined && siemCa !== undefined
      ? { host: siemHost, port: siemPort, caFile: siemCa }
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
    },
  });
}
