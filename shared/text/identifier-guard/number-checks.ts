/**
 * The checks that tell an identifier from a number of the same shape: the Luhn check digit of a
 * payment card, the structure the Social Security Administration gives a number, and whether
 * three numbers are a real calendar date. Pure arithmetic on digit strings.
 */

/** The digits of `text`, separators dropped. */
export const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** ISO/IEC 7812 check digit: a card number's last digit makes the doubled sum a multiple of 10. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Card numbers are 13 to 19 digits (ISO/IEC 7812) and pass Luhn; all zeros passes Luhn and is no card. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && !/^0+$/.test(digits) && passesLuhn(digits);
}

/**
 * The SSA never issues area 000, 666 or 900–999, group 00 or serial 0000 (these rules hold for
 * numbers randomised since 2011 too): a nine-digit number outside them is not an SSN.
 */
export function isSsnStructure(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = digits.slice(0, 3);
  return (
    area !== '000' && area !== '666' && area[0] !== '9' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000'
  );
}

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Whether the day exists in that month of that year (the Gregorian calendar, leap years included). */
export function isCalendarDate({ year, month, day }: CalendarDate): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A two-digit year as the most recent year ending in those digits that is not after `currentYear`. */
export function fullYear(twoDigits: number, currentYear: number): number {
  const century = Math.floor(currentYear / 100) * 100;
  return century + twoDigits <= currentYear ? century + twoDigits : century - 100 + twoDigits;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** 1–12 for a month's name or its abbreviation ("Mar", "March", "Sept"), else null. */
export function monthNumber(name: string): number | null {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return index === -1 ? null : index + 1;
}
