/**
 * `npm run audit:export -- --data <server data dir> --format fhir|syslog --out <file>
 * [--since-head <head file>] [--database-url postgres://…] [--siem-enterprise-number <PEN>]
 * [--fhir-code-system-base <https URL>]`: writes the whole audit trail as a
 * FHIR R4 Bundle or as RFC 5424 syslog lines, whether the server is running or stopped. With
 * --since-head (a workstation's audit-head.json or an audit:verify --write-head file), a FHIR
 * export carries the consistency proof from that head's tree size to its latest head. Prints one
 * summary line; exits 2 on a usage error, 1 if the trail cannot be read, proven or written.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { rename, writeFile } from 'node:fs/promises';
import { faultOf } from '../logging/fault';
import { EXPORT_FORMATS, writeExport, type ExportFormat } from './export-formats';
import { readHeadFile } from './head-file';
import { withConsistencyFrom } from './trail-export';
import { readTrail } from './trail-source';
import { err, ok, type Result } from '../../shared/result';
import { parseEnterpriseNumber, parseFhirCodeSystemBase } from '../../shared/audit/export-naming';

export const EXPORT_USAGE =
  'usage: npm run audit:export -- --data <server data dir> --format fhir|syslog --out <file> [--since-head <head file>] [--database-url postgres://…] ' +
  '[--siem-enterprise-number <PEN> (syslog)] [--fhir-code-system-base <https URL> (fhir)]';

export interface ExportOptions {
  readonly dataDir: string;
  readonly format: ExportFormat;
  readonly out: string;
  readonly sinceHead?: string;
  readonly databaseUrl?: string;
  /** The deployment's PEN in a syslog export's SD-IDs, as the server's `--siem-enterprise-number`. */
  readonly enterpriseNumber?: number;
  /** The deployment's code-system base in a FHIR export, as the server's `--fhir-code-system-base`. */
  readonly codeSystemBase?: string;
}
/** The options, or the usage error to print. */
export type ExportArguments = Result<ExportOptions, string>;

export function parseExportArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ExportArguments {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (
      ![
        '--data',
        '--format',
        '--out',
        '--since-head',
        '--database-url',
        '--siem-enterprise-number',
        '--fhir-code-system-base',
      ].includes(flag)
    )
      return err(`unknown argument ${flag.startsWith('--') ? flag : '(value without a flag)'}`);
    if (value === undefined || value.startsWith('--')) return err(`${flag} needs a value`);
    values.set(flag, value);
  }
  const dataDir = values.get('--data');
  const format = values.get('--format');
  const out = values.get('--out');
  if (dataDir === undefined || format === undefined || out === undefined)
    return err('--data, --format and --out are required');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return err('--format must be fhir or syslog');
  const sinceHead = values.get('--since-head');
  // A syslog line has no room for a proof, and needs none: audit:verify recomputes it from the records.
  if (sinceHead !== undefined && format !== 'fhir')
    return err('--since-head is for --format fhir (a syslog export is checked against a head from its records)');
  const databaseUrl = values.get('--database-url') ?? (env.DATABASE_URL === '' ? undefined : env.DATABASE_URL);
  const penText = values.get('--siem-enterprise-number');
  const enterpriseNumber = penText === undefined ? undefined : parseEnterpriseNumber(penText);
  if (enterpriseNumber === null)
    return err("--siem-enterprise-number needs the hospital's IANA Private Enterprise Number (a positive integer)");
  if (enterpriseNumber !== undefined && format !== 'syslog')
    return err('--siem-enterprise-number is for --format syslog');
  const baseText = values.get('--fhir-code-system-base');
  const codeSystemBase = baseText === undefined ? undefined : parseFhirCodeSystemBase(baseText);
  if (codeSystemBase === null) return err('--fhir-code-system-base needs an https URL without query or fragment');
  if (codeSystemBase !== undefined && format !== 'fhir') return err('--fhir-code-system-base is for --format fhir');
  return ok({
    dataDir: path.resolve(dataDir),
    format: format as ExportFormat,
    out: path.resolve(out),
    ...(sinceHead === undefined ? {} : { sinceHead: path.resolve(sinceHead) }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(enterpriseNumber === undefined ? {} : { enterpriseNumber }),
    ...(codeSystemBase === undefined ? {} : { codeSystemBase }),
  });
}

async function main(): Promise<number> {
  const parsed = parseExportArguments(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${EXPORT_USAGE}\n`);
    return 2;
  }
  const options = parsed.value;
  let fromSize: number | null = null;
  if (options.sinceHead !== undefined) {
    const head = readHeadFile(options.sinceHead);
    if (!head.ok) {
      process.stderr.write(
        `the --since-head file ${head.error === 'unreadable' ? 'cannot be read' : 'is not a tree head this tool can read'}\n`,
      );
      return 2;
    }
    fromSize = head.value.head.treeSize;
  }
  try {
    const read = await readTrail(options);
    const proven = fromSize === null ? ok(read.trail) : withConsistencyFrom(read.trail, fromSize);
    if (!proven.ok) {
      process.stderr.write(
        `export failed: no consistency proof from tree size ${String(fromSize)} (${proven.error})\n`,
      );
      return 1;
    }
    const trail = proven.value;
    const { source } = read;
    const text = writeExport(trail, options.format, {
      at: Date.now(),
      id: randomUUID(),
      ...(options.enterpriseNumber === undefined ? {} : { enterpriseNumber: options.enterpriseNumber }),
      ...(options.codeSystemBase === undefined ? {} : { codeSystemBase: options.codeSystemBase }),
    });
    // Whole or not at all: a half-written export would read as a cut trail.
    const temp = `${options.out}.${randomUUID()}.tmp`;
    await writeFile(temp, text, { mode: 0o600, flush: true });
    await rename(temp, options.out);
    const latest = trail.heads.at(-1);
    process.stdout.write(
      `exported ${String(trail.entries.length)} records, ${String(trail.batches.length)} batches, ${String(trail.heads.length)} tree heads ` +
        `(latest covers ${String(latest?.treeSize ?? 0)})${fromSize === null ? '' : `, with a consistency proof from tree size ${String(fromSize)},`} as ${options.format} ` +
        `from the ${source === 'running-server' ? 'running server' : 'database'} to ${options.out}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`export failed (${faultOf(error)})\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname))
  process.exitCode = await main();
