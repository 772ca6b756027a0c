/**
 * A wall-clock time in a named IANA time zone as epoch milliseconds, through the runtime's own
 * zone data (Intl). For iCalendar files that name a zone (`TZID=Europe/London`) without
 * defining it in a VTIMEZONE. Null for a zone the runtime does not know.
 */

export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formats = new Map<string, Intl.DateTimeFormat | null>();

function formatFor(zone: string): Intl.DateTimeFormat | null {
  if (!formats.has(zone)) {
    let format: Intl.DateTimeFormat | null;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      format = null;
    }
    // Bounded: a file can name many zones, the cache keeps what the runtime knows of at most 100.
    if (formats.size < 100) formats.set(zone, format);
    else return format;
  }
  return formats.get(zone) ?? null;
}

/** How far the zone's wall clock is ahead of UTC at `epochMs`. */
function offsetAt(format: Intl.DateTimeFormat, epochMs: number): number {
  const parts = Object.fromEntries(format.formatToParts(epochMs).map((part) => [part.type, part.value]));
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(epochMs / 1000) * 1000;
}

export function zonedEpochMs(wall: WallTime, zone: string): number | null {
  const format = formatFor(zone);
  if (format === null) return null;
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // Two steps settle on the offset in force at that wall time (a time skipped by a DST change
  // lands an hour later, as calendars do).
  const first = asUtc - offsetAt(format, asUtc);
  return asUtc - offsetAt(format, first);
}
