/**
 * The retention form's rules (renderer/src/admin/roles/retention-form.ts): the organisation's
 * default sends null; the address's own bound is whole days within the server's range, so what
 * the form lets through the server's schema takes; a bound shorter than the organisation's is
 * said before it is saved; and how a bound is said.
 */
import { describe, expect, it } from 'vitest';
import {
  checkRetention,
  daysPhrase,
  retentionFormOf,
  shorterWarning,
} from '../../../renderer/src/admin/roles/retention-form';
import { retentionDays } from '../../../shared/protocol/retention-days';

describe('the retention form', () => {
  it('starts from the address’s own bound, or from the organisation’s when it has none', () => {
    expect(retentionFormOf(null, 2190)).toEqual({ useOrganisation: true, days: '2190' });
    expect(retentionFormOf(90, 2190)).toEqual({ useOrganisation: false, days: '90' });
  });

  it('sends null for the organisation’s bound, whatever is typed in the hidden field', () => {
    expect(checkRetention({ useOrganisation: true, days: 'nonsense' })).toEqual({ ok: true, value: null });
  });

  it('takes whole days from 30 to 36500, plain or grouped by thousands, and nothing the server would refuse', () => {
    for (const [typed, days] of [
      ['30', 30],
      [' 90 ', 90],
      ['2190', 2190],
      ['2,190', 2190],
      ['36500', 36_500],
      ['36,500', 36_500],
    ] as const) {
      const checked = checkRetention({ useOrganisation: false, days: typed });
      expect(checked, typed).toEqual({ ok: true, value: days });
      expect(retentionDays.safeParse(days).success).toBe(true);
    }
    for (const typed of ['', '29', '0', '-30', '36501', '30.5', '1e3', '2,19', '1,2,3', 'ninety', '९०', '0x1e'])
      expect(checkRetention({ useOrganisation: false, days: typed }), typed).toEqual({
        ok: false,
        error: 'Enter whole days from 30 to 36,500.',
      });
  });

  it('warns of a bound shorter than the organisation’s, and of nothing else', () => {
    expect(shorterWarning(90, 2190)).toBe(
      'Shorter than the organisation’s 2,190 days (6 years): at the next daily run the server deletes this address’s messages older than 90 days, for good.',
    );
    expect(shorterWarning(2190, 2190)).toBeNull();
    expect(shorterWarning(3650, 2190)).toBeNull();
    expect(shorterWarning(null, 2190)).toBeNull();
  });

  it('says a bound in days, with whole years named', () => {
    expect(daysPhrase(2190)).toBe('2,190 days (6 years)');
    expect(daysPhrase(365)).toBe('365 days (1 year)');
    expect(daysPhrase(90)).toBe('90 days');
    expect(daysPhrase(1)).toBe('1 day');
  });
});
