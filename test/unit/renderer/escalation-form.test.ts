/**
 * The escalation form's rules (renderer/src/admin/roles/escalation-form.ts): the organisation's
 * default sends null; the address's own times are whole minutes within the protocol's bounds,
 * the backup before everyone, so what the form lets through the server's schema takes; and how
 * the times are said.
 */
import { describe, expect, it } from 'vitest';
import {
  checkEscalation,
  escalationFormOf,
  escalationSentence,
  escalationShort,
  minutesOf,
  type EscalationForm,
} from '../../../renderer/src/admin/roles/escalation-form';
import { DEFAULT_ESCALATION_TIMES, roleEscalationTimes } from '../../../shared/protocol/escalation';

const MINUTE = 60_000;
const own: EscalationForm = {
  useOrganisation: false,
  repeatNever: false,
  repeatMinutes: '3',
  backupMinutes: '7',
  everyoneMinutes: '15',
};

describe('the escalation form', () => {
  it('starts from the address’s own times, or from the organisation’s when it has none', () => {
    expect(escalationFormOf(null, DEFAULT_ESCALATION_TIMES)).toEqual({
      useOrganisation: true,
      repeatNever: false,
      repeatMinutes: '2',
      backupMinutes: '5',
      everyoneMinutes: '10',
    });
    const times = { repeatEveryMs: null, backupAfterMs: 4 * MINUTE, everyoneAfterMs: 90 * MINUTE };
    // "Never" ticked, with the organisation's interval ready should the admin untick it.
    expect(escalationFormOf(times, DEFAULT_ESCALATION_TIMES)).toEqual({
      useOrganisation: false,
      repeatNever: true,
      repeatMinutes: '2',
      backupMinutes: '4',
      everyoneMinutes: '90',
    });
  });

  it('sends null for the organisation default, whatever the fields hold', () => {
    expect(checkEscalation({ ...own, useOrganisation: true, backupMinutes: 'soon' })).toEqual({
      ok: true,
      value: null,
    });
  });

  it('sends whole minutes as milliseconds, and Never as no re-alerts', () => {
    expect(checkEscalation({ ...own, backupMinutes: ' 7 ' })).toEqual({
      ok: true,
      value: { repeatEveryMs: 3 * MINUTE, backupAfterMs: 7 * MINUTE, everyoneAfterMs: 15 * MINUTE },
    });
    // Whatever the re-alert field holds once Never is chosen.
    expect(checkEscalation({ ...own, repeatNever: true, repeatMinutes: '' })).toEqual({
      ok: true,
      value: { repeatEveryMs: null, backupAfterMs: 7 * MINUTE, everyoneAfterMs: 15 * MINUTE },
    });
    const edges = checkEscalation({ ...own, repeatMinutes: '1', backupMinutes: '1439', everyoneMinutes: '1440' });
    expect(edges.ok && roleEscalationTimes.safeParse(edges.value).success).toBe(true);
  });

  it('names each field that is not whole minutes from 1 to 1,440', () => {
    for (const bad of ['', '0', '1441', '2.5', '-3', '1e2', 'five', '99999'])
      expect(checkEscalation({ ...own, repeatMinutes: bad, backupMinutes: bad, everyoneMinutes: bad }), bad).toEqual({
        ok: false,
        error: {
          repeatMinutes: 'Enter whole minutes from 1 to 1,440 (24 hours). Or choose Never.',
          backupMinutes: 'Enter whole minutes from 1 to 1,440 (24 hours).',
          everyoneMinutes: 'Enter whole minutes from 1 to 1,440 (24 hours).',
        },
      });
  });

  it('asks for everyone later than the backup', () => {
    for (const everyoneMinutes of ['7', '6'])
      expect(checkEscalation({ ...own, everyoneMinutes })).toEqual({
        ok: false,
        error: { everyoneMinutes: 'Must be later than the backup: more than 7 minutes.' },
      });
  });

  it('lets through nothing the server’s schema refuses', () => {
    const texts = ['', '0', '1', '2', '59', '60', '1439', '1440', '1441', 'x'];
    for (const repeatMinutes of texts)
      for (const backupMinutes of texts)
        for (const everyoneMinutes of texts) {
          const checked = checkEscalation({ ...own, repeatMinutes, backupMinutes, everyoneMinutes });
          if (checked.ok) expect(roleEscalationTimes.safeParse(checked.value).success).toBe(true);
        }
  });

  it('says the times short for the default’s label, and in words for its description', () => {
    expect(escalationShort(DEFAULT_ESCALATION_TIMES)).toBe('2 / 5 / 10 min');
    expect(escalationSentence(DEFAULT_ESCALATION_TIMES)).toBe(
      'Re-alert every 2 min; backup after 5 min; everyone in the role after 10 min.',
    );
    const none = { repeatEveryMs: null, backupAfterMs: 4 * MINUTE, everyoneAfterMs: 8 * MINUTE };
    expect(escalationShort(none)).toBe('never / 4 / 8 min');
    expect(escalationSentence(none)).toBe('No re-alerts; backup after 4 min; everyone in the role after 8 min.');
    // Set through the API to the second: shown as it is, not rounded into another time.
    expect(minutesOf(90_000)).toBe('1.5');
  });
});
