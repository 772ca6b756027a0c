/**
 * Times as a clinician reads them: today's as "14:05", yesterday's as "Yesterday 14:05", older
 * ones with the date. The list shows only the day for anything before today. Locale and time
 * zone default to the workstation's; tests pin them.
 */
export interface TimeFormatOptions {
  readonly locale?: string;
  readonly timeZone?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function messageTime(at: number, now: number, options: TimeFormatOptions = {}): string {
  const clock = format(at, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, options);
  const day = relativeDay(at, now, options);
  if (day === 'today') return clock;
  if (day === 'yesterday') return `Yesterday ${clock}`;
  return `${dateLabel(at, now, options)}, ${clock}`;
}

export function listTime(at: number, now: number, options: TimeFormatOptions = {}): string {
  const day = relativeDay(at, now, options);
  if (day === 'today') return format(at, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, options);
  if (day === 'yesterday') return 'Yesterday';
  return dateLabel(at, now, options);
}

function dateLabel(at: number, now: number, options: TimeFormatOptions): string {
  const sameYear = dayKey(at, options).slice(0, 4) === dayKey(now, options).slice(0, 4);
  return format(
    at,
    sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' },
    options,
  );
}

function relativeDay(at: number, now: number, options: TimeFormatOptions): 'today' | 'yesterday' | 'earlier' {
  const key = dayKey(at, options);
  if (key === dayKey(now, options)) return 'today';
  if (key === dayKey(now - DAY_MS, options)) return 'yesterday';
  return 'earlier';
}

/** `YYYY-MM-DD` in the chosen time zone. */
function dayKey(at: number, options: TimeFormatOptions): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function format(at: number, fields: Intl.DateTimeFormatOptions, options: TimeFormatOptions): string {
  return new Intl.DateTimeFormat(options.locale, {
    ...fields,
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  }).format(at);
}
