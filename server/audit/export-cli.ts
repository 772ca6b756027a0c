/**
 * `npm run audit:export -- --data <server data dir> --format fhir|syslog --out <file>
 * [--database-url postgres://…]`: writes the whole audit trail as a FHIR R4 Bundle or as RFC 5424
 * syslog lines, whether the server is running or stopped. Prints one summary line; exits 2 on a
 * usage error, 1 if the trail cannot be read or written.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { rename, writeFile } from 'node:fs/promises';
import { faultOf } from '../logging/fault';
import { EXPORT_FORMATS, writeExport, type ExportFormat } from './export-formats';
import { readTrail } from './trail-source';

export const EXPORT_USAGE = 'usage: npm run audit:export -- --data <server data dir> --format fhir|syslog --out <file> [--database-url postgres://…]';

export type ExportArguments = { ok: true; dataDir: string; format: ExportFormat; out: string; databaseUrl?: string } | { ok: false; error: string };

export function parseExportArguments(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ExportArguments {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (!['--data', '--format', '--out', '--database-url'].includes(flag)) return { ok: false, error: `unknown argument ${flag.startsWith('--') ? flag : '(value without a flag)'}` };
    if (value === undefined || value.startsWith('--')) return { ok: false, error: `${flag} needs a value` };
    values.set(flag, value);
  }
  const dataDir = values.get('--data');
  const format = values.get('--format');
  const out = values.get('--out');
  if (dataDir === undefined || format === undefined || out === undefined) return { ok: false, error: '--data, --format and --out are required' };
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return { ok: false, error: '--format must be fhir or syslog' };
  const databaseUrl = values.get('--database-url') ?? (env.DATABASE_URL === '' ? undefined : env.DATABASE_URL);
  return { ok: true, dataDir: path.resolve(dataDir), format: format as ExportFormat, out: path.resolve(out), ...(databaseUrl === undefined ? {} : { databaseUrl }) };
}

async function main(): Promise<number> {
  const parsed = parseExportArguments(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${EXPORT_USAGE}\n`);
    return 2;
  }
  try {
    const { trail, source } = await readTrail(parsed);
    const text = writeExport(trail, parsed.format, { at: Date.now(), id: randomUUID(), hostname: os.hostname() });
    // Whole or not at all: a half-written export would read as a cut trail.
    const temp = `${parsed.out}.${randomUUID()}.tmp`;
    await writeFile(temp, text, { mode: 0o600, flush: true });
    await rename(temp, parsed.out);
    const latest = trail.heads.at(-1);
    process.stdout.write(
      `exported ${String(trail.entries.length)} records, ${String(trail.batches.length)} batches, ${String(trail.heads.length)} tree heads ` +
        `(latest covers ${String(latest?.treeSize ?? 0)}) as ${parsed.format} from the ${source === 'running-server' ? 'running server' : 'database'} to ${parsed.out}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`export failed (${faultOf(error)})\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) process.exitCode = await main();
