import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../../../shared/audit/audit-event';
import { type SignedTreeHead, type StoredEntry, signedTreeHead, storedEntry } from '../../../shared/audit/audit-entry';
import {
  AUDIT_SD_ID,
  escapeParamValue,
  formatAuditEntry,
  formatTreeHead,
  frame,
  sanitizeHostname,
  SERVER_HOSTNAME,
  TREE_HEAD_SD_ID,
} from '../../../shared/node/syslog/rfc5424';
import { paramsOf, parseRfc5424, Rfc5424Error, unframe } from '../../support/rfc5424-parse';

const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
const MESSAGE = '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
const hex = (label: string) => createHash('sha256').update(label).digest('hex');
const PREV = hex('prev');
const HASH = hex('hash');

function entry(record: Partial<AuditRecord> = {}, treeIndex = 7): StoredEntry {
  return storedEntry.parse({
    record: {
      actor: { userId: 'nurse.adams', role: 'nurse' },
      action: 'message.sent',
      object: { kind: 'message', id: MESSAGE, conversationId: CONVERSATION },
      patient: null,
      at: Date.UTC(2026, 2, 14, 9, 26, 53, 589),
      seq: 41,
      workstationId: WORKSTATION,
      outcome: 'success',
      reason: null,
      ...record,
    },
    previousHash: PREV,
    hash: HASH,
    treeIndex,
  });
}

const HEAD: SignedTreeHead = signedTreeHead.parse({
  treeSize: 1024,
  timestamp: Date.UTC(2026, 2, 14, 9, 30),
  rootHash: hex('root'),
  signature: `${'A+/z'.repeat(21)}AB==`,
});

describe('formatAuditEntry', () => {
  it('writes one RFC 5424 message with every field in structured data and no MSG, its HOSTNAME the workstation', () => {
    const text = formatAuditEntry(entry());
    expect(formatAuditEntry(entry(), { hostname: 'wardline-1.hospital.example' })).toBe(text);
    expect(text).toBe(
      `<109>1 2026-03-14T09:26:53.589Z ${WORKSTATION} wardline - message.sent ` +
        `[audit@32473 idx="7" ws="${WORKSTATION}" seq="41" user="nurse.adams" role="nurse" act="message.sent" obj="message" ` +
        `objId="${MESSAGE}" conv="${CONVERSATION}" outcome="success" prev="${PREV}" hash="${HASH}"]`,
    );
    const parsed = parseRfc5424(text);
    expect(parsed).toMatchObject({
      facility: 13,
      severity: 5,
      version: 1,
      appName: 'wardline',
      procId: null,
      msgId: 'message.sent',
      msg: null,
    });
    expect(parsed.structuredData.map((element) => element.id)).toEqual([AUDIT_SD_ID]);
  });

  it('loses no field of the record or the entry', () => {
    const full = entry({ patient: 'pat-Q7x2Lm9', outcome: 'failure', reason: 'NOT_PERMITTED' });
    const params = paramsOf(parseRfc5424(formatAuditEntry(full)).structuredData[0]!);
    // Every field, by the param that carries it: a field added to the record fails here until it is forwarded.
    const carriedBy: Record<string, (value: never) => Record<string, string>> = {
      actor: (actor: AuditRecord['actor']) => ({ user: actor.userId ?? '', role: actor.role ?? '' }),
      action: (action: string) => ({ act: action }),
      object: (object: AuditRecord['object'] & { kind: 'message' }) => ({
        obj: object.kind,
        objId: object.id,
        conv: object.conversationId,
      }),
      patient: (patient: string) => ({ patient }),
      at: () => ({}),
      seq: (seq: number) => ({ seq: String(seq) }),
      workstationId: (ws: string) => ({ ws }),
      outcome: (outcome: string) => ({ outcome }),
      reason: (reason: string) => ({ reason }),
    };
    expect(Object.keys(full.record).sort()).toEqual(Object.keys(carriedBy).sort());
    const expected = { idx: '7', prev: PREV, hash: HASH };
    for (const [key, value] of Object.entries(full.record)) Object.assign(expected, carriedBy[key]!(value as never));
    expect(params).toEqual(expected);
    expect(parseRfc5424(formatAuditEntry(full)).timestamp).toBe(new Date(full.record.at).toISOString());
  });

  it('makes a failure a warning and carries its reason code', () => {
    const parsed = parseRfc5424(
      formatAuditEntry(entry({ action: 'sign-in.failed', outcome: 'failure', reason: 'BAD_PASSWORD' })),
    );
    expect(parsed.pri).toBe(13 * 8 + 4);
    expect(paramsOf(parsed.structuredData[0]!)).toMatchObject({ outcome: 'failure', reason: 'BAD_PASSWORD' });
  });

  it.each([
    [
      { kind: 'conversation', id: CONVERSATION },
      { obj: 'conversation', objId: CONVERSATION },
    ],
    [
      { kind: 'patient', id: 'pat-7Hq2x9' },
      { obj: 'patient', objId: 'pat-7Hq2x9' },
    ],
    [
      { kind: 'setting', id: 'idleLockSeconds' },
      { obj: 'setting', objId: 'idleLockSeconds' },
    ],
    [
      { kind: 'account', id: 'dr.okafor' },
      { obj: 'account', objId: 'dr.okafor' },
    ],
    [
      { kind: 'vault', id: 'a'.repeat(32) },
      { obj: 'vault', objId: 'a'.repeat(32) },
    ],
    [
      { kind: 'search', resultCount: 0 },
      { obj: 'search', count: '0' },
    ],
    [
      { kind: 'legal-hold', id: CONVERSATION, userId: 'dr.okafor' },
      { obj: 'legal-hold', objId: CONVERSATION, objUser: 'dr.okafor' },
    ],
    [
      { kind: 'legal-hold', id: CONVERSATION, userId: null },
      { obj: 'legal-hold', objId: CONVERSATION },
    ],
    [
      { kind: 'role-address', id: 'role:oncall-renal', userId: 'dr.okafor' },
      { obj: 'role-address', objId: 'role:oncall-renal', objUser: 'dr.okafor' },
    ],
    [
      { kind: 'audit-purge', receivedBefore: 1_600_000_000_000, records: 3 },
      { obj: 'audit-purge', before: '1600000000000', count: '3' },
    ],
    [
      { kind: 'siem-destination', host: 'siem.hospital.example', port: 6514, caSha256: 'c'.repeat(32) },
      { obj: 'siem-destination', host: 'siem.hospital.example', port: '6514', ca: 'c'.repeat(32) },
    ],
    [{ kind: 'none' }, { obj: 'none' }],
  ] as const)('names a %j object by ids and numbers only', (object, expected) => {
    const params = paramsOf(parseRfc5424(formatAuditEntry(entry({ object }))).structuredData[0]!);
    expect(params).toMatchObject(expected);
    for (const name of ['objId', 'objUser', 'conv', 'count', 'before', 'host', 'port', 'ca'] as const)
      if (!(name in expected)) expect(params).not.toHaveProperty(name);
  });

  it('omits the user and role of an anonymous event rather than writing empty values', () => {
    const text = formatAuditEntry(
      entry({ actor: { userId: null, role: null }, action: 'sign-in.failed', object: { kind: 'none' } }),
    );
    expect(text).not.toMatch(/user=|role=|reason=/);
    expect(paramsOf(parseRfc5424(text).structuredData[0]!)).not.toHaveProperty('user');
  });

  it.each(AUDIT_ACTIONS)('uses %s as a valid MSGID', (action: AuditAction) => {
    expect(parseRfc5424(formatAuditEntry(entry({ action }))).msgId).toBe(action);
  });

  it('refuses an action that is not a valid MSGID', () => {
    const bad = { ...entry(), record: { ...entry().record, action: 'x'.repeat(33) as AuditAction } };
    expect(() => formatAuditEntry(bad)).toThrow(RangeError);
    const spaced = { ...entry(), record: { ...entry().record, action: 'a b' as AuditAction } };
    expect(() => formatAuditEntry(spaced)).toThrow(RangeError);
  });

  it('escapes ", \\ and ] in values so they round-trip', () => {
    const awkward = 'A"B\\C]D\\x';
    expect(escapeParamValue(awkward)).toBe('A\\"B\\\\C\\]D\\\\x');
    const text = formatAuditEntry({ ...entry(), record: { ...entry().record, reason: awkward } });
    expect(text).toContain('reason="A\\"B\\\\C\\]D\\\\x"');
    expect(paramsOf(parseRfc5424(text).structuredData[0]!).reason).toBe(awkward);
  });

  it('writes the epoch as RFC 3339 and a time past year 9999 as the NILVALUE', () => {
    expect(parseRfc5424(formatAuditEntry(entry({ at: 0 }))).timestamp).toBe('1970-01-01T00:00:00.000Z');
    expect(parseRfc5424(formatAuditEntry(entry({ at: 8.64e15 }))).timestamp).toBeNull();
  });
});

describe('sanitizeHostname', () => {
  it('keeps a printable ASCII name, punycodes an international one and replaces anything else', () => {
    expect(sanitizeHostname('ws-12.ward4.hospital.example')).toBe('ws-12.ward4.hospital.example');
    expect(sanitizeHostname('station-ü.klinik.example')).toBe('xn--station--e6a.klinik.example');
    expect(sanitizeHostname('ward 4\tdesk')).toBe('ward_4_desk');
    expect(sanitizeHostname('Pflegest\u00fctzpunkt 3')).toBe('Pflegest_tzpunkt_3');
    expect(sanitizeHostname('\u{1F3E5} \u{1F3E5}')).toBe('___');
    expect(sanitizeHostname('')).toBe('-');
    expect(sanitizeHostname('h'.repeat(300))).toHaveLength(255);
  });
});

describe('formatTreeHead', () => {
  it('writes the signed tree head as informational structured data, at the time it was signed, from the server', () => {
    const text = formatTreeHead(HEAD, { hostname: 'srv', at: Date.UTC(2026, 2, 14, 9, 30, 1) });
    expect(text).toBe(
      `<110>1 2026-03-14T09:30:00.000Z ${SERVER_HOSTNAME} wardline - tree-head [treehead@32473 size="1024" ts="${String(HEAD.timestamp)}" root="${HEAD.rootHash}" sig="${HEAD.signature}"]`,
    );
    const parsed = parseRfc5424(text);
    expect(parsed.structuredData[0]?.id).toBe(TREE_HEAD_SD_ID);
    expect(paramsOf(parsed.structuredData[0]!)).toEqual({
      size: '1024',
      ts: String(HEAD.timestamp),
      root: HEAD.rootHash,
      sig: HEAD.signature,
    });
  });
});

describe("the hospital's Private Enterprise Number in the SD-IDs", () => {
  it('names every SD-ID with the given PEN, the documentation number 32473 only when none is given', () => {
    const entryLine = formatAuditEntry(entry(), { enterpriseNumber: 54_321 });
    const headLine = formatTreeHead(HEAD, { enterpriseNumber: 54_321 });
    expect(parseRfc5424(entryLine).structuredData.map((element) => element.id)).toEqual(['audit@54321']);
    expect(parseRfc5424(headLine).structuredData.map((element) => element.id)).toEqual(['treehead@54321']);
    // Nothing else differs.
    expect(entryLine.replace('[audit@54321 ', `[${AUDIT_SD_ID} `)).toBe(formatAuditEntry(entry()));
    expect(AUDIT_SD_ID).toBe('audit@32473');
  });

  it('refuses a PEN that is not one', () => {
    for (const pen of [0, -1, 1.5, 2 ** 32, Number.NaN])
      expect(() => formatAuditEntry(entry(), { enterpriseNumber: pen })).toThrow(RangeError);
  });
});

describe('frame (RFC 5425 octet counting)', () => {
  it('counts bytes, not characters', () => {
    expect(frame('é').toString('utf8')).toBe('2 é');
    expect(frame('\u{1F3E5}')).toEqual(Buffer.concat([Buffer.from('4 '), Buffer.from('\u{1F3E5}')]));
  });

  it('frames a message as pure ASCII with the right length', () => {
    const text = formatAuditEntry(entry({ actor: { userId: 'pflege.stuetzpunkt', role: 'nurse' } }));
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    const framed = frame(text);
    expect(framed.subarray(0, framed.indexOf(0x20)).toString()).toBe(String(Buffer.byteLength(text)));
    expect(framed.length).toBe(String(text.length).length + 1 + text.length);
  });

  it('deframes back to the same messages', () => {
    const messages = [formatAuditEntry(entry()), formatTreeHead(HEAD), 'é'];
    expect(unframe(Buffer.concat(messages.map(frame)))).toEqual(messages);
  });
});

describe('the strict RFC 5424 test parser', () => {
  it('accepts the RFC 5424 §6.5 examples', () => {
    const bom = '\uFEFF';
    const withMsg = parseRfc5424(
      `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ${bom}An application event`,
    );
    expect(withMsg.msg).toBe('An application event');
    expect(withMsg.structuredData[0]?.params).toEqual([
      ['iut', '3'],
      ['eventSource', 'Application'],
      ['eventID', '1011'],
    ]);
    const twoElements = parseRfc5424(
      '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [exampleSDID@32473 iut="3"][examplePriority@32473 class="high"]',
    );
    expect(twoElements.structuredData.map((element) => element.id)).toEqual([
      'exampleSDID@32473',
      'examplePriority@32473',
    ]);
    expect(parseRfc5424('<34>1 - - - - - -')).toMatchObject({
      facility: 4,
      severity: 2,
      timestamp: null,
      structuredData: [],
      msg: null,
    });
    expect(paramsOf(parseRfc5424('<0>1 - - - - - [meta x="a\\nb"]').structuredData[0]!).x).toBe('a\\nb');
  });

  it.each([
    ['no PRI', '1 - - - - - -'],
    ['PRI above 191', '<192>1 - - - - - -'],
    ['PRI with a leading zero', '<013>1 - - - - - -'],
    ['version 0', '<13>0 - - - - - -'],
    ['missing version', '<13> - - - - - -'],
    ['two spaces', '<13>1  - - - - -'],
    ['lower-case t in the timestamp', '<13>1 2026-03-14t09:26:53Z h a - m -'],
    ['no time zone', '<13>1 2026-03-14T09:26:53 h a - m -'],
    ['seven fraction digits', '<13>1 2026-03-14T09:26:53.1234567Z h a - m -'],
    ['February 30', '<13>1 2026-02-30T09:26:53Z h a - m -'],
    ['a leap second', '<13>1 2026-06-30T23:59:60Z h a - m -'],
    ['hour 24', '<13>1 2026-03-14T24:00:00Z h a - m -'],
    ['a non-ASCII hostname', '<13>1 - hôte a - m -'],
    ['a hostname over 255', `<13>1 - ${'h'.repeat(256)} a - m -`],
    ['an APP-NAME over 48', `<13>1 - h ${'a'.repeat(49)} - m -`],
    ['a MSGID over 32', `<13>1 - h a - ${'m'.repeat(33)} -`],
    ['no structured data', '<13>1 - h a - m'],
    ['structured data glued to MSGID', '<13>1 - h a - m[x@1]'],
    ['an SD-ID without @ that IANA did not register', '<13>1 - h a - m [audit x="1"]'],
    ['an SD-ID with a non-numeric enterprise', '<13>1 - h a - m [audit@example x="1"]'],
    ['an SD-ID over 32', `<13>1 - h a - m [${'a'.repeat(27)}@32473]`],
    ['a repeated SD-ID', '<13>1 - h a - m [x@1 a="1"][x@1 b="2"]'],
    ['an unescaped ] in a value', '<13>1 - h a - m [x@1 a="b]c"]'],
    ['an unterminated value', '<13>1 - h a - m [x@1 a="b\\"'],
    ['an unquoted value', '<13>1 - h a - m [x@1 a=b]'],
    ['a space before =', '<13>1 - h a - m [x@1 a ="b"]'],
    ['an unclosed element', '<13>1 - h a - m [x@1 a="b"'],
    ['text glued after structured data', '<13>1 - h a - m [x@1 a="b"]msg'],
    ['an element after a NILVALUE', '<13>1 - h a - m -[x@1]'],
  ])('rejects %s', (_name, line) => {
    expect(() => parseRfc5424(line)).toThrow(Rfc5424Error);
  });

  it.each([
    ['a leading zero in MSG-LEN', Buffer.from('05 hello')],
    ['a length longer than the data', Buffer.from('6 hello')],
    ['no SP after MSG-LEN', Buffer.from('5')],
    ['invalid UTF-8', Buffer.from([0x31, 0x20, 0xff])],
  ])('rejects a frame with %s', (_name, bytes) => {
    expect(() => unframe(bytes)).toThrow();
  });
});
