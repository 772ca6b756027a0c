/**
 * Shifts from a CSV rota, read with csv-parse: a header row naming the columns `start`, `end`,
 * `person` and optionally `backup` (any order, any case), then one shift a row. Times are ISO
 * 8601 date-times with a UTC offset (`2026-12-07T08:00:00+01:00`, `…Z`; a space for the `T` is
 * taken): a time without an offset is a problem, since whose 8 o'clock it is would be a guess.
 * People are user ids or display names (member-match.ts). A byte order mark, CRLF line ends,
 * quoted fields (with commas and line breaks inside) and blank lines are all fine.
 */
import { parse } from 'csv-parse/sync';
import type { ScheduleProblem } from '../protocol/admin-schedule-api';
import type { RotaEntry, RotaRead } from './rota-entry';

const COLUMNS = ['start', 'end', 'person', 'backup'] as const;
type Column = (typeof COLUMNS)[number];

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/iu;

/** Epoch ms of an ISO 8601 date-time with an offset, or null for anything else (an impossible date too). */
export function isoTimeMs(text: string): number | null {
  const match = ISO_TIME.exec(text.trim());
  if (match === null) return null;
  const [year, month, day, hour, minute, second = '0', fraction = '0', zone = 'Z'] = match.slice(1);
  const parts = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = parts;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, '0')));
  // Date.UTC rolls 30 February over into March: such a date is not a date.
  if (new Date(wall).getUTCDate() !== d) return null;
  if (zone.toUpperCase() === 'Z') return wall;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = Number(digits.slice(2) || '0');
  if (offsetHours > 14 || offsetMinutes > 59) return null;
  return wall - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

type Parsed = { record: string[]; info: { lines: number } };

export function readCsvRota(text: string): RotaRead {
  let rows: Parsed[];
  try {
    // One line end throughout: csv-parse counts a CRLF inside quotes as two lines.
    rows = parse(text.replace(/\r\n?/gu, '\n'), {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as Parsed[];
  } catch {
    return { entries: [], problems: [{ entry: 0, code: 'MALFORMED_FILE' }] };
  }
  const [header, ...body] = rows;
  const names = (header?.record ?? []).map((name) => name.toLowerCase());
  const known = (name: string): name is Column => (COLUMNS as readonly string[]).includes(name);
  if (
    names.length === 0 ||
    !names.every(known) ||
    new Set(names).size !== names.length ||
    !(['start', 'end', 'person'] as const).every((name) => names.includes(name))
  )
    return { entries: [], problems: [{ entry: header?.info.lines ?? 0, code: 'BAD_HEADER' }] };
  const column = (record: readonly string[], name: Column): string | undefined => {
    const at = names.indexOf(name);
    return at === -1 ? undefined : record[at];
  };
  const entries: RotaEntry[] = [];
  const problems: ScheduleProblem[] = [];
  for (const { record, info } of body) {
    const entry = info.lines;
    if (record.length !== names.length) {
      problems.push({ entry, code: 'BAD_ROW' });
      continue;
    }
    const startsAt = isoTimeMs(column(record, 'start') ?? '');
    const endsAt = isoTimeMs(column(record, 'end') ?? '');
    if (startsAt === null || endsAt === null) {
      problems.push({ entry, code: 'BAD_TIME' });
      continue;
    }
    const person = column(record, 'person') ?? '';
    const backup = column(record, 'backup') ?? '';
    entries.push({
      entry,
      startsAt,
      endsAt,
      person: person === '' ? null : { kind: 'name', text: person },
      backup: backup === '' ? null : { kind: 'name', text: backup },
    });
  }
  return { entries, problems };
}
