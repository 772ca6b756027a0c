/**
 * Rota files as rota tools export them: iCalendar with CRLF line ends, folded lines, a
 * VTIMEZONE per zone used, attendees with CN and ROLE (as QGenda and Outlook write them),
 * summaries naming the physician (as Amion's department calendars do), and CSV from a
 * spreadsheet (BOM, CRLF, quoted fields).
 */

const crlf = (lines: readonly string[]) => `${lines.join('\r\n')}\r\n`;

export const LONDON = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/London',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0100',
  'TZNAME:BST',
  'DTSTART:19700329T010000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0000',
  'TZNAME:GMT',
  'DTSTART:19701025T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export const calendar = (...events: readonly (readonly string[])[]) =>
  crlf([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//QGenda//Schedule Export//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...LONDON,
    ...events.flat(),
    'END:VCALENDAR',
  ]);

export const event = (uid: string, ...lines: readonly string[]) => [
  'BEGIN:VEVENT',
  `UID:${uid}`,
  'DTSTAMP:20261101T120000Z',
  ...lines,
  'END:VEVENT',
];

/**
 * A weekly rota: Patel covers Monday days 08:00-20:00 London time from 5 October 2026 for
 * eight weeks (across the clocks going back on 25 October), Nguyen backing up; the week of
 * 2 November is Okafor's instead (a changed occurrence) and 16 November is cancelled (EXDATE).
 */
export const WEEKLY_ROTA = calendar(
  event(
    'cardio-mon-day@qgenda.example',
    'DTSTART;TZID=Europe/London:20261005T080000',
    'DTEND;TZID=Europe/London:20261005T200000',
    'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8',
    'EXDATE;TZID=Europe/London:20261116T080000',
    'SUMMARY:Cardiology On Call - Day',
    'ATTENDEE;CN=Anika Patel;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:a.p',
    ' atel@hospital.example',
    'ATTENDEE;CN=dr.nguyen;ROLE=OPT-PARTICIPANT:mailto:m.nguyen@hospital.example',
  ),
  event(
    'cardio-mon-day@qgenda.example',
    'RECURRENCE-ID;TZID=Europe/London:20261102T080000',
    'DTSTART;TZID=Europe/London:20261102T080000',
    'DTEND;TZID=Europe/London:20261102T200000',
    'SUMMARY:Cardiology On Call - Day (swap)',
    'ATTENDEE;CN=Chidi Okafor;ROLE=REQ-PARTICIPANT:mailto:c.okafor@hospital.example',
  ),
);

/** The night the clocks go back: Saturday 20:00 BST to Sunday 08:00 GMT is thirteen hours. */
export const DST_NIGHT = calendar(
  event(
    'cardio-night-2026-10-24@amion.example',
    'DTSTART;TZID=Europe/London:20261024T200000',
    'DTEND;TZID=Europe/London:20261025T080000',
    'SUMMARY:Cardiology Night Call: Anika Patel',
    'DESCRIPTION:Bleep 4411\\nBackup: Minh Nguyen',
  ),
);

export const CSV_HEADER = 'start,end,person,backup';

export const csv = (...rows: readonly string[]) => `\uFEFF${[CSV_HEADER, ...rows].join('\r\n')}\r\n`;
