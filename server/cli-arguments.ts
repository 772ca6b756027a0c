/**
 * `npm run server -- --data <dir> --port <p> [--demo] [--host <h>] [--database-url <url>]`.
 * Pure: argv and environment in, options or a usage error out.
 */
export interface CliOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly demo: boolean;
  readonly databaseUrl?: string;
}

export const USAGE = 'usage: npm run server -- --data <dir> [--port <port>] [--host <host>] [--demo] [--database-url postgres://…]';
export const DEFAULT_PORT = 8443;

export type CliParse = { readonly ok: true; readonly options: CliOptions } | { readonly ok: false; readonly error: string };

export function parseCliArguments(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliParse {
  let dataDir: string | undefined;
  let port = DEFAULT_PORT;
  let host = '127.0.0.1';
  let demo = false;
  let databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = argv[index + 1];
    const takeValue = (): string | null => {
      if (value === undefined || value.startsWith('--')) return null;
      index += 1;
      return value;
    };
    switch (flag) {
      case '--demo':
        demo = true;
        break;
      case '--data': {
        const taken = takeValue();
        if (taken === null) return { ok: false, error: '--data needs a directory' };
        dataDir = taken;
        break;
      }
      case '--port': {
        const taken = takeValue();
        const parsed = taken === null ? Number.NaN : Number(taken);
        if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) return { ok: false, error: '--port needs a port number (0-65535)' };
        port = parsed;
        break;
      }
      case '--host': {
        const taken = takeValue();
        if (taken === null) return { ok: false, error: '--host needs an address' };
        host = taken;
        break;
      }
      case '--database-url': {
        const taken = takeValue();
        if (taken === null) return { ok: false, error: '--database-url needs a postgres:// URL' };
        databaseUrl = taken;
        break;
      }
      default:
        return { ok: false, error: `unknown argument: ${String(flag)}` };
    }
  }
  if (dataDir === undefined) return { ok: false, error: '--data is required' };
  return { ok: true, options: { dataDir, port, host, demo, ...(databaseUrl === undefined ? {} : { databaseUrl }) } };
}
