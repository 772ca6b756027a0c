/**
 * The checks behind the guard's rows (Luhn, SSN structure, calendar dates, the age a date without
 * "DOB" must have), the MRN format language policy uses, and the cost of a scan on hostile text.
 */
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_KINDS, parseIdentifierKinds } from '../../../shared/text/identifier-guard/identifier-kinds';
import { findIdentifiers } from '../../../shared/text/identifier-guard/identifier-scan';
import { parseMrnFormats } from '../../../shared/text/identifier-guard/mrn-format';
import {
  fullYear,
  isCalendarDate,
  isCardNumber,
  isSsnStructure,
  passesLuhn,
} from '../../../shared/text/identifier-guard/number-checks';
import { MAX_TEXT_CHARS } from '../../../shared/protocol/envelope';

const NOW = Date.UTC(2026, 5, 1);
const kindsIn = (text: string, now = NOW, mrnFormats = '') => {
  const formats = parseMrnFormats(mrnFormats === '' ? null : mrnFormats);
  if (!formats.ok) throw new Error(formats.error);
  return findIdentifiers(text, { now, mrnFormats: formats.value }).map((finding) => finding.kind);
};

describe('number checks', () => {
  it('Luhn: a card number passes, one digit changed fails', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('')).toBe(false);
    expect(passesLuhn('41x1')).toBe(false);
  });

  it('a card has 13 to 19 digits that pass Luhn, and is not all zeros', () => {
    expect(isCardNumber('4222222222222')).toBe(true);
    expect(isCardNumber('4111111111111111003')).toBe(true);
    expect(isCardNumber('411111111111')).toBe(false); // 12
    expect(isCardNumber('41111111111111111113')).toBe(false); // 20
    expect(isCardNumber('0000000000000000')).toBe(false);
    expect(kindsIn('card 4111 1111 1111 1112')).toEqual([]);
  });

  it('an SSN never has area 000, 666 or 9xx, group 00 or serial 0000', () => {
    expect(isSsnStructure('123456789')).toBe(true);
    for (const invalid of ['000456789', '666456789', '900456789', '999456789', '123006789', '123450000', '12345678'])
      expect(isSsnStructure(invalid), invalid).toBe(false);
    for (const invalid of ['000-45-6789', '666-45-6789', '987-65-4321', '123-00-6789', '123-45-0000'])
      expect(kindsIn(`SSN ${invalid}`), invalid).toEqual([]);
    expect(kindsIn('SSN 665-45-6789')).toEqual(['ssn']);
    // Nine bare digits are an SSN only after a word that says so.
    expect(kindsIn('ref 123456789')).toEqual([]);
    expect(kindsIn('SSN 123456789')).toEqual(['ssn']);
  });

  it('a date is a real day of a real month', () => {
    expect(isCalendarDate({ year: 2024, month: 2, day: 29 })).toBe(true);
    expect(isCalendarDate({ year: 2023, month: 2, day: 29 })).toBe(false);
    expect(isCalendarDate({ year: 1900, month: 2, day: 29 })).toBe(false);
    expect(isCalendarDate({ year: 2000, month: 2, day: 29 })).toBe(true);
    expect(isCalendarDate({ year: 1948, month: 13, day: 1 })).toBe(false);
    expect(isCalendarDate({ year: 1948, month: 4, day: 31 })).toBe(false);
    expect(kindsIn('DOB 31/02/1948')).toEqual([]);
    expect(kindsIn('DOB 13/13/1948')).toEqual([]);
  });

  it('reads a two-digit year as the latest one not in the future', () => {
    expect(fullYear(48, 2026)).toBe(1948);
    expect(fullYear(26, 2026)).toBe(2026);
    expect(fullYear(27, 2026)).toBe(1927);
  });
});

describe('dates of birth', () => {
  it('takes any past date after a birth word, and no future one', () => {
    expect(kindsIn('DOB 01/05/2026')).toEqual(['date-of-birth']);
    expect(kindsIn('DOB 02/06/2026')).toEqual(['date-of-birth']); // 2 June or 6 February: one is past
    expect(kindsIn('DOB 2026-06-02')).toEqual([]);
    expect(kindsIn('born 12 Dec 2030')).toEqual([]);
  });

  it('takes a date with no birth word only when every reading of it is ten years back or more', () => {
    expect(kindsIn('seen 01/06/2016')).toEqual(['date-of-birth']);
    expect(kindsIn('seen 02/06/2016')).toEqual([]); // 2 June 2016 is under ten years before 1 June 2026
    expect(kindsIn('seen 03/04/2016')).toEqual(['date-of-birth']);
    // A two-digit year with no birth word could be anything: "4/5/06" is a GCS or a score.
    expect(kindsIn('GCS 4/5/06')).toEqual([]);
    expect(kindsIn('DOB 4/5/06')).toEqual(['date-of-birth']);
  });

  it('moves with the clock it is given', () => {
    expect(kindsIn('seen 01/03/2020', Date.UTC(2026, 5, 1))).toEqual([]);
    expect(kindsIn('seen 01/03/2020', Date.UTC(2031, 5, 1))).toEqual(['date-of-birth']);
  });
});

describe('MRN formats in policy', () => {
  it('reads # as a digit, @ as a letter and the rest as itself, in either case', () => {
    expect(kindsIn('pt M1234567 in bed 4', NOW, 'M#######')).toEqual(['mrn']);
    expect(kindsIn('pt m1234567', NOW, 'M#######')).toEqual(['mrn']);
    expect(kindsIn('pt M123456', NOW, 'M#######')).toEqual([]);
    expect(kindsIn('pt M12345678', NOW, 'M#######')).toEqual([]);
    expect(kindsIn('pt XM1234567', NOW, 'M#######')).toEqual([]);
    expect(kindsIn('ref AB-1234/7', NOW, '@@-####/#')).toEqual(['mrn']);
    expect(kindsIn('ref AB.1234.7', NOW, '@@-####/#')).toEqual([]);
    expect(kindsIn('pt 99887766', NOW, '########;M#######')).toEqual(['mrn']);
    expect(kindsIn('pt 99887766')).toEqual([]);
  });

  it('refuses what is not a format, naming why', () => {
    for (const bad of ['', ';', 'M###', 'ABCDEFGH', '@@@@@@', 'M#######;(\\d+)+', 'M #######', `M${'#'.repeat(40)}`])
      expect(parseMrnFormats(bad), bad).toMatchObject({ ok: false });
    expect(parseMrnFormats(Array.from({ length: 11 }, () => '####').join(';'))).toMatchObject({ ok: false });
    expect(parseMrnFormats('M#######; ##-###-### ;')).toMatchObject({ ok: true, value: [{}, {}] });
  });

  it('compiles a format to a pattern of fixed length with no quantifier a format could choose', () => {
    const parsed = parseMrnFormats('M#######;@@-##.##/##');
    if (!parsed.ok) throw new Error(parsed.error);
    const boundaries = /^\(\?<!\[A-Za-z0-9\]\)(.*)\(\?!\[A-Za-z0-9\]\)$/;
    for (const format of parsed.value) {
      const body = boundaries.exec(format.pattern.source)?.[1];
      expect(body).toBeDefined();
      expect(body).not.toMatch(/[*+?{}|()]/);
    }
  });
});

describe('identifier kinds in policy', () => {
  it('reads a comma-separated list in any case, and refuses a name it does not know', () => {
    expect(parseIdentifierKinds('ssn, Card-Number')).toEqual(['ssn', 'card-number']);
    expect(parseIdentifierKinds('email;ssn')).toEqual(['ssn', 'email']);
    expect(parseIdentifierKinds('ssn, passport')).toBeNull();
    expect(parseIdentifierKinds(' , ')).toBeNull();
    expect(parseIdentifierKinds(IDENTIFIER_KINDS.join(','))).toEqual([...IDENTIFIER_KINDS]);
  });
});

describe('the cost of a scan', () => {
  // What a hostile or unlucky paste could hold: long runs that each rule tries and fails on.
  const HOSTILE = [
    'a'.repeat(MAX_TEXT_CHARS),
    '1'.repeat(MAX_TEXT_CHARS),
    '1 '.repeat(MAX_TEXT_CHARS / 2),
    '1-'.repeat(MAX_TEXT_CHARS / 2),
    '+1'.repeat(MAX_TEXT_CHARS / 2),
    'a.'.repeat(MAX_TEXT_CHARS / 2),
    `${'a'.repeat(64)}@`.repeat(MAX_TEXT_CHARS / 65),
    `x@${'a.'.repeat(MAX_TEXT_CHARS / 2 - 1)}`,
    '12 Oak '.repeat(MAX_TEXT_CHARS / 7),
    'DOB '.repeat(MAX_TEXT_CHARS / 4),
    'MRN 1'.repeat(MAX_TEXT_CHARS / 5),
    'call '.repeat(MAX_TEXT_CHARS / 5),
    '12/12/'.repeat(MAX_TEXT_CHARS / 6),
    '123-45-6789 '.repeat(MAX_TEXT_CHARS / 12),
  ];

  it('scans a message of the longest length, of any of these, within a fraction of a second', () => {
    const parsed = parseMrnFormats('M#######;##-###-###');
    if (!parsed.ok) throw new Error(parsed.error);
    for (const text of HOSTILE) {
      const started = performance.now();
      findIdentifiers(text.slice(0, MAX_TEXT_CHARS), { now: NOW, mrnFormats: parsed.value });
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(500);
    }
  });
});
