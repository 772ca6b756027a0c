import { describe, expect, it } from 'vitest';
import {
  acknowledgementLine,
  awaitingAcknowledgement,
  listAcknowledgement,
} from '../../../renderer/src/messaging/message/acknowledgement-label';

const time = (at: number) => `t${String(at)}`;
const message = (overrides: Partial<Parameters<typeof acknowledgementLine>[0]> = {}) => ({
  direction: 'in' as const,
  text: 'Bed 4 K+ 6.8',
  acknowledgement: { requested: true, by: [], canAcknowledge: true },
  ...overrides,
});

describe('acknowledgement wording', () => {
  it('says what a message still waits for, from either side', () => {
    expect(acknowledgementLine(message(), time)).toEqual({ text: 'Acknowledgement requested', tone: 'awaiting' });
    expect(acknowledgementLine(message({ direction: 'out' }), time)).toEqual({
      text: 'Awaiting acknowledgement',
      tone: 'awaiting',
    });
    expect(awaitingAcknowledgement(message())).toBe(true);
  });

  it('names who acknowledged, with their quick reply and time', () => {
    const by = [
      { userId: 'dr.nguyen', name: 'Dr. Nguyen', reply: 'on-my-way' as const, at: 5 },
      { userId: 'dr.okafor', name: 'Dr. Okafor', reply: null, at: 7 },
    ];
    const done = message({ acknowledgement: { requested: true, by, canAcknowledge: false } });
    expect(acknowledgementLine(done, time)).toEqual({
      text: 'Acknowledged by Dr. Nguyen: On my way, t5; Dr. Okafor, t7',
      tone: 'done',
    });
    expect(awaitingAcknowledgement(done)).toBe(false);
  });

  it('says nothing for a message that asks nothing, or has gone', () => {
    const notAsked = message({ acknowledgement: { requested: false, by: [], canAcknowledge: false } });
    expect(acknowledgementLine(notAsked, time)).toBeNull();
    expect(acknowledgementLine(message({ text: null }), time)).toBeNull();
    expect(awaitingAcknowledgement(message({ text: null }))).toBe(false);
  });

  it('puts what the clinician must acknowledge before what they wait on, in the list', () => {
    expect(listAcknowledgement({ awaitingAcknowledgement: { incoming: 2, outgoing: 1 } })).toBe('2 to acknowledge');
    expect(listAcknowledgement({ awaitingAcknowledgement: { incoming: 0, outgoing: 1 } })).toBe(
      'Awaiting acknowledgement',
    );
    expect(listAcknowledgement({ awaitingAcknowledgement: { incoming: 0, outgoing: 3 } })).toBe(
      '3 awaiting acknowledgement',
    );
    expect(listAcknowledgement({ awaitingAcknowledgement: { incoming: 0, outgoing: 0 } })).toBeNull();
  });
});
