/**
 * The syslog forms read back exactly: every entry, batch and head round-trips, and an edit to
 * any visible field, header fields included, is either refused or yields a record whose hash
 * chain (or a head or batch whose signature) no longer checks out.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import {
  batchSigningBytes,
  checkEntries,
  entryHash,
  fromHex,
  GENESIS_HASH,
  hex,
  treeHeadSigningBytes,
} from '../../../shared/audit/audit-chain';
import type { SignedTreeHead, StoredEntry } from '../../../shared/audit/audit-entry';
import { AUDIT_ACTIONS, type AuditRecord } from '../../../shared/audit/audit-event';
import { blake2b256 } from '../../../shared/audit/blake2b';
import {
  anyAuditObjectArb,
  AUDIT_OBJECT_KINDS,
  auditObjectArb,
  auditRecordArb,
  LAST_INSTANT_MS,
} from '../../support/audit-arbitraries';
import type { StoredBatch } from '../../../shared/audit/trail-export';
import {
  auditFromSyslog,
  batchFromSyslog,
  entryFromSyslog,
  exportLineFromSyslog,
  headFromSyslog,
} from '../../../shared/node/syslog/audit-syslog';
import {
  formatAuditEntry,
  formatBatch,
  formatPurged,
  formatTreeHead,
  formatUnreadable,
  SERVER_HOSTNAME,
} from '../../../shared/node/syslog/rfc5424';

const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
const HOSTNAME = 'wardline-1.hospital.example';
const LAST_MS = LAST_INSTANT_MS;

/** Every problem is one of these shapes: fixed words and our own SD-IDs (under any PEN) and param names, never a value. */
const PROBLEM =
  /^(?:RFC 5424 syntax|PRI|VERSION|TIMESTAMP|HOSTNAME|APP-NAME|PROCID|MSGID|MSG|\(cannot be formatted\)|STRUCTURED-DATA \((?:no (?:audit|treehead|batch|unreadable)@<enterprise number>|(?:audit|treehead|batch|unreadable)@[1-9]\d{0,9}|unexpected element|escaping|not an audit message)\)|(?:audit|treehead|batch|unreadable)@[1-9]\d{0,9}(?: [a-zA-Z]+| \(unexpected param\))?)$/;

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const hexBytes = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((value) => hex(value));
const base64Bytes = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((value) => Buffer.from(value).toString('base64'));
const records = auditRecordArb;
const anyObject = anyAuditObjectArb;
const entries = (record: fc.Arbitrary<AuditRecord>): fc.Arbitrary<StoredEntry> =>
  fc.record({ record, previousHash: hexBytes(32), hash: hexBytes(32), treeIndex: fc.maxSafeNat() });

function expectRoundTrip(entry: StoredEntry): void {
  const line = formatAuditEntry(entry);
  expect(line.split(' ')[2]).toBe(entry.record.workstationId);
  expect(entryFromSyslog(line)).toEqual({ ok: true, value: entry });
  expect(auditFromSyslog(line)).toEqual({ ok: true, value: { kind: 'entry', entry } });
}

describe('entryFromSyslog: the exact inverse of formatAuditEntry', () => {
  it.each(AUDIT_ACTIONS)('round-trips %s with any object, actor, patient, reason and time', (action) => {
    fc.assert(fc.property(entries(records(fc.constant(action), anyObject)), expectRoundTrip), { numRuns: 50 });
  });

  it.each(AUDIT_OBJECT_KINDS)('round-trips a %s object with any action', (kind) => {
    fc.assert(fc.property(entries(records(fc.constantFrom(...AUDIT_ACTIONS), auditObjectArb(kind))), expectRoundTrip), {
      numRuns: 100,
    });
  });

  it('keeps the time to the millisecond, from the epoch to the last instant of year 9999', () => {
    const base = fc.sample(entries(records(fc.constant('message.read'), anyObject)), { numRuns: 1, seed: 7 })[0]!;
    for (const at of [0, 1, 999, 1_000, Date.UTC(2026, 2, 14, 9, 26, 53, 589), LAST_MS]) {
      const entry = { ...base, record: { ...base.record, at } };
      const read = entryFromSyslog(formatAuditEntry(entry));
      expect(read.ok && read.value.record.at).toBe(at);
    }
  });

  it('refuses a record whose time the formatter could only write as the NILVALUE', () => {
    const base = fc.sample(entries(records(fc.constant('message.read'), anyObject)), { numRuns: 1, seed: 9 })[0]!;
    const line = formatAuditEntry({ ...base, record: { ...base.record, at: LAST_MS + 1 } });
    expect(entryFromSyslog(line)).toEqual({ ok: false, error: 'TIMESTAMP' });
  });

  it('refuses any HOSTNAME but the workstation that wrote the record, whatever the caller passed', () => {
    const entry = fc.sample(entries(records(fc.constant('message.sent'), auditObjectArb('message'))), {
      numRuns: 1,
      seed: 3,
    })[0]!;
    const line = formatAuditEntry(entry, { hostname: HOSTNAME });
    expect(line).toBe(formatAuditEntry(entry));
    expect(line).toContain(` ${entry.record.workstationId} wardline `);
    for (const hostname of ['-', '192.0.2.7', 'relay.siem.example', HOSTNAME, 'x'.repeat(255), WORKSTATION]) {
      expect(entryFromSyslog(line.replace(` ${entry.record.workstationId} `, ` ${hostname} `))).toEqual({
        ok: false,
        error: 'HOSTNAME',
      });
    }
  });
});

/** Three chained records of one workstation; the middle one is what the tamper tests edit. */
function chain(): StoredEntry[] {
  const base: Omit<AuditRecord, 'seq' | 'at'> = {
    actor: { userId: 'nurse.adams', role: 'nurse' },
    action: 'conversation.opened',
    object: { kind: 'conversation', id: CONVERSATION },
    patient: 'pat-Q7x2Lm9',
    workstationId: WORKSTATION,
    outcome: 'failure',
    reason: 'NOT_PERMITTED',
  };
  const stored: StoredEntry[] = [];
  let previous = GENESIS_HASH;
  for (let i = 0; i < 3; i += 1) {
    const record: AuditRecord = { ...base, seq: 40 + i, at: Date.UTC(2026, 2, 14, 9, 26, 53, 589) + i };
    const hash = entryHash(blake2b256, previous, record);
    stored.push({ record, previousHash: hex(previous), hash: hex(hash), treeIndex: 100 + i });
    previous = hash;
  }
  return stored;
}

type Verdict = { readonly refused: string } | { readonly broken: string } | { readonly intact: StoredEntry };

/** What a verifier concludes from the three lines with the middle one replaced. */
function verdict(stored: readonly StoredEntry[], middleLine: string): Verdict {
  const read = entryFromSyslog(middleLine);
  if (!read.ok) {
    expect(read.error).toMatch(PROBLEM);
    return { refused: read.error };
  }
  const broken = checkEntries(blake2b256, [stored[0]!, read.value, stored[2]!], WORKSTATION);
  return broken === null ? { intact: read.value } : { broken: broken.problem };
}

describe('an edited entry line is refused or breaks the chain', () => {
  const stored = chain();
  const line = () => formatAuditEntry(stored[1]!);
  const edit = (from: string, to: string) => {
    const original = line();
    expect(original).toContain(from);
    return original.replace(from, to);
  };

  it('reads the unedited chain back intact', () => {
    const read = stored.map((entry) => entryFromSyslog(formatAuditEntry(entry)));
    const back = read.map((result) => (result.ok ? result.value : null));
    expect(back).toEqual(stored);
    expect(checkEntries(blake2b256, stored, WORKSTATION)).toBeNull();
    expect(verdict(stored, line())).toEqual({ intact: stored[1] });
  });

  it.each([
    ['the time', '09:26:53.590Z', '09:26:53.591Z', { broken: 'hash-mismatch' }],
    ['the time, to another day', '2026-03-14T', '2026-03-15T', { broken: 'hash-mismatch' }],
    ['the user', 'user="nurse.adams"', 'user="nurse.baker"', { broken: 'hash-mismatch' }],
    ['the user, removed', ' user="nurse.adams"', '', { broken: 'hash-mismatch' }],
    ['the role', 'role="nurse"', 'role="physician"', { broken: 'hash-mismatch' }],
    ['the MSGID alone', ' conversation.opened [', ' message.read [', { refused: 'MSGID' }],
    ['the action param alone', 'act="conversation.opened"', 'act="message.read"', { refused: 'MSGID' }],
    [
      'the object id',
      `objId="${CONVERSATION}"`,
      `objId="${CONVERSATION.replace('6f1c', '7f1c')}"`,
      { broken: 'hash-mismatch' },
    ],
    ['the object kind', 'obj="conversation"', 'obj="patient"', { refused: 'audit@32473 objId' }],
    ['the outcome alone', 'outcome="failure"', 'outcome="success"', { refused: 'PRI' }],
    ['the outcome and its severity', '<108>', '<109>', { refused: 'PRI' }],
    ['the reason', 'reason="NOT_PERMITTED"', 'reason="SESSION_LOCKED"', { broken: 'hash-mismatch' }],
    ['the reason, removed', ' reason="NOT_PERMITTED"', '', { broken: 'hash-mismatch' }],
    ['the patient', 'patient="pat-Q7x2Lm9"', 'patient="pat-Q7x2Lm8"', { broken: 'hash-mismatch' }],
    ['the patient, removed', ' patient="pat-Q7x2Lm9"', '', { broken: 'hash-mismatch' }],
    ['the sequence number', 'seq="41"', 'seq="42"', { broken: 'sequence-gap' }],
    [
      'the workstation (the HOSTNAME names it too)',
      `ws="${WORKSTATION}"`,
      `ws="${WORKSTATION.replace('aa11', 'bb11')}"`,
      { refused: 'HOSTNAME' },
    ],
    ['the previous hash', `prev="${stored[1]!.previousHash}"`, `prev="${stored[2]!.hash}"`, { broken: 'chain-broken' }],
    ['the hash', `hash="${stored[1]!.hash}"`, `hash="${stored[0]!.hash}"`, { broken: 'hash-mismatch' }],
    ['the sequence number with a leading zero', 'seq="41"', 'seq="041"', { refused: 'audit@32473 seq' }],
    ['the time without milliseconds', '09:26:53.590Z', '09:26:53Z', { refused: 'TIMESTAMP' }],
    ['the time in another zone', '09:26:53.590Z', '10:26:53.590+01:00', { refused: 'TIMESTAMP' }],
    ['a param added', ' outcome=', ' note="x" outcome=', { refused: 'audit@32473 outcome' }],
    [
      'a param repeated',
      ' outcome="failure"',
      ' outcome="failure" outcome="success"',
      { refused: 'audit@32473 reason' },
    ],
    [
      'a param moved',
      ' user="nurse.adams" role="nurse"',
      ' role="nurse" user="nurse.adams"',
      { refused: 'audit@32473 user' },
    ],
    ['a value escaped needlessly', 'role="nurse"', 'role="nur\\se"', { refused: 'audit@32473 role' }],
    ['an element added', `"]`, `"][origin ip="192.0.2.1"]`, { refused: 'STRUCTURED-DATA (unexpected element)' }],
    ['a MSG added', `"]`, `"] free text`, { refused: 'MSG' }],
    ['the APP-NAME', ' wardline - ', ' other - ', { refused: 'APP-NAME' }],
    ['the HOSTNAME', ` ${WORKSTATION} wardline `, ' relay.siem.example wardline ', { refused: 'HOSTNAME' }],
    ['the HOSTNAME, to the NILVALUE', ` ${WORKSTATION} wardline `, ' - wardline ', { refused: 'HOSTNAME' }],
    ['the PROCID', ' wardline - ', ' wardline 4242 ', { refused: 'PROCID' }],
    ['the version', '>1 ', '>2 ', { refused: 'VERSION' }],
    ['an unescaped bracket', 'role="nurse"', 'role="nur]se"', { refused: 'RFC 5424 syntax' }],
  ] as const)('%s', (_name, from, to, expected) => {
    expect(verdict(stored, edit(from, to))).toEqual(expected);
  });

  it('breaks the chain when the action and its MSGID change together', () => {
    const edited = line()
      .replace(' conversation.opened [', ' message.read [')
      .replace('act="conversation.opened"', 'act="message.read"');
    expect(verdict(stored, edited)).toEqual({ broken: 'hash-mismatch' });
  });

  it('breaks the chain when the outcome and its severity change together', () => {
    const edited = line().replace('<108>', '<109>').replace('outcome="failure"', 'outcome="success"');
    expect(verdict(stored, edited)).toEqual({ broken: 'hash-mismatch' });
  });

  it('moves an edited tree index to another leaf (checked against the Merkle tree, not the chain)', () => {
    const read = entryFromSyslog(line().replace('idx="101"', 'idx="102"'));
    expect(read.ok && read.value.treeIndex).toBe(102);
  });

  it('survives any one-character edit only in the tree index (which the Merkle tree checks) or the PEN (a namespace, not content)', () => {
    const original = line();
    const idxStart = original.indexOf('idx="') + 'idx="'.length;
    const penStart = original.indexOf('[audit@') + '[audit@'.length;
    // Another valid PEN names the same record: readers accept any deployment's number.
    const harmless = (position: number) =>
      (position >= idxStart && position <= idxStart + 3) || (position >= penStart && position <= penStart + 5);
    const edits = fc.record({
      position: fc.nat({ max: original.length - 1 }),
      kind: fc.constantFrom('replace', 'insert', 'delete'),
      char: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    });
    fc.assert(
      fc.property(edits, ({ position, kind, char }) => {
        const edited =
          kind === 'delete'
            ? original.slice(0, position) + original.slice(position + 1)
            : original.slice(0, position) + char + original.slice(kind === 'replace' ? position + 1 : position);
        if (edited === original) return;
        const result = verdict(stored, edited);
        if ('intact' in result) {
          expect(harmless(position)).toBe(true);
          expect({ ...result.intact, treeIndex: 0 }).toEqual({ ...stored[1]!, treeIndex: 0 });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never repeats a value in a problem', () => {
    const hostile = [
      edit('patient="pat-Q7x2Lm9"', 'patient="SECRET-Smith"'),
      edit('user="nurse.adams"', 'user="Jane Smith"'),
      edit('obj="conversation"', 'obj="SECRET"'),
      edit(' outcome=', ' SECRET="1" outcome='),
      edit('[audit@32473', '[SECRET@32473 a="1"][audit@32473'),
      edit('>1 ', '>1 SECRET '),
      `<13>1 - - - - - [SECRET x="1"]`,
    ];
    for (const text of hostile) {
      const read = entryFromSyslog(text);
      expect(read.ok).toBe(false);
      if (read.ok) continue;
      expect(read.error).toMatch(PROBLEM);
      expect(read.error).not.toMatch(/SECRET|Smith/);
    }
  });
});

function signedHead(
  keys: { publicKey: Uint8Array; privateKey: Uint8Array },
  treeSize: number,
  timestamp: number,
  root: Uint8Array,
): SignedTreeHead {
  const signature = sodium.crypto_sign_detached(
    treeHeadSigningBytes({ treeSize, timestamp, rootHash: root }),
    keys.privateKey,
  );
  return { treeSize, timestamp, rootHash: hex(root), signature: Buffer.from(signature).toString('base64') };
}

function headVerifies(publicKey: Uint8Array, head: SignedTreeHead): boolean {
  const bytes = treeHeadSigningBytes({
    treeSize: head.treeSize,
    timestamp: head.timestamp,
    rootHash: fromHex(head.rootHash)!,
  });
  return sodium.crypto_sign_verify_detached(Buffer.from(head.signature, 'base64'), bytes, publicKey);
}

describe('headFromSyslog: the exact inverse of formatTreeHead', () => {
  it('round-trips any head, its TIMESTAMP the signed time and its HOSTNAME the server', () => {
    const heads = fc.record({
      treeSize: fc.maxSafeNat(),
      timestamp: fc.maxSafeNat(),
      rootHash: hexBytes(32),
      signature: base64Bytes(64),
    });
    fc.assert(
      fc.property(heads, fc.option(base64Bytes(32), { nil: null }), (head, auditKey) => {
        const line = formatTreeHead(head, { auditKey });
        const [, time, hostname] = line.split(' ');
        expect(time).toBe(head.timestamp <= LAST_MS ? new Date(head.timestamp).toISOString() : '-');
        expect(hostname).toBe(SERVER_HOSTNAME);
        expect(headFromSyslog(line)).toEqual({ ok: true, value: { head, auditKey } });
        expect(auditFromSyslog(line)).toEqual({ ok: true, value: { kind: 'tree-head', head, auditKey } });
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['size', (line: string) => line.replace('size="1024"', 'size="1025"')],
    ['ts', (line: string) => line.replace(/ts="(\d+)"/, (_match, ts: string) => `ts="${String(Number(ts) + 1)}"`)],
    [
      'root',
      (line: string) => line.replace(/root="(.)/, (_match, first: string) => `root="${first === 'a' ? 'b' : 'a'}`),
    ],
    ['sig', (line: string) => line.replace(/sig="(.)/, (_match, first: string) => `sig="${first === 'A' ? 'B' : 'A'}`)],
  ])('refuses an edited %s or reads a head whose signature fails', async (_field, tamper) => {
    const keys = (await loadSodium()).crypto_sign_keypair();
    const head = signedHead(keys, 1024, Date.UTC(2026, 2, 14, 9, 30), sodium.randombytes_buf(32));
    const line = formatTreeHead(head);
    const read = headFromSyslog(line);
    expect(read.ok && headVerifies(keys.publicKey, read.value.head)).toBe(true);
    const edited = tamper(line);
    expect(edited).not.toBe(line);
    const tampered = headFromSyslog(edited);
    if (tampered.ok) expect(headVerifies(keys.publicKey, tampered.value.head)).toBe(false);
    else expect(tampered.error).toMatch(PROBLEM);
  });

  it('refuses a head line with a changed MSGID, severity or extra param', () => {
    const head: SignedTreeHead = {
      treeSize: 3,
      timestamp: 5,
      rootHash: 'a'.repeat(64),
      signature: `${'A'.repeat(86)}==`,
    };
    const line = formatTreeHead(head);
    expect(headFromSyslog(line.replace(' tree-head ', ' tree-heads '))).toEqual({ ok: false, error: 'MSGID' });
    expect(headFromSyslog(line.replace('<110>', '<109>'))).toEqual({ ok: false, error: 'PRI' });
    expect(headFromSyslog(line.replace('"]', '" size="4"]'))).toEqual({
      ok: false,
      error: 'treehead@32473 (unexpected param)',
    });
    expect(headFromSyslog(formatAuditEntry(chain()[0]!))).toEqual({
      ok: false,
      error: 'STRUCTURED-DATA (no treehead@<enterprise number>)',
    });
  });
});

describe('formatBatch and batchFromSyslog', () => {
  const signedBatch = (keys: { publicKey: Uint8Array; privateKey: Uint8Array }): StoredBatch => {
    const stored = chain();
    const range = {
      deviceId: WORKSTATION,
      firstSeq: 40,
      lastSeq: 42,
      previousHash: fromHex(stored[0]!.previousHash)!,
      lastHash: fromHex(stored[2]!.hash)!,
    };
    return {
      workstationId: WORKSTATION,
      firstSeq: 40,
      lastSeq: 42,
      previousHash: stored[0]!.previousHash,
      lastHash: stored[2]!.hash,
      signature: Buffer.from(sodium.crypto_sign_detached(batchSigningBytes(range), keys.privateKey)).toString('base64'),
      devicePublicKey: Buffer.from(keys.publicKey).toString('base64'),
    };
  };
  const batchVerifies = (batch: StoredBatch): boolean =>
    sodium.crypto_sign_verify_detached(
      Buffer.from(batch.signature, 'base64'),
      batchSigningBytes({
        deviceId: batch.workstationId,
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        previousHash: fromHex(batch.previousHash)!,
        lastHash: fromHex(batch.lastHash)!,
      }),
      Buffer.from(batch.devicePublicKey, 'base64'),
    );

  it('writes one informational audit-batch message', () => {
    const batch = signedBatch(sodium.crypto_sign_keypair());
    const line = formatBatch(batch, { hostname: 'srv', at: Date.UTC(2026, 2, 14, 9, 30, 1) });
    expect(line).toBe(
      `<110>1 - ${WORKSTATION} wardline - audit-batch [batch@32473 ws="${WORKSTATION}" first="40" last="42" ` +
        `prev="${batch.previousHash}" hash="${batch.lastHash}" sig="${batch.signature}" key="${batch.devicePublicKey}"]`,
    );
    const read = batchFromSyslog(line);
    expect(read).toEqual({ ok: true, value: batch });
    expect(read.ok && batchVerifies(read.value)).toBe(true);
    expect(auditFromSyslog(line)).toEqual({ ok: true, value: { kind: 'batch', batch } });
  });

  it('round-trips any batch', () => {
    const batches = fc
      .record({
        workstationId: fc.uuid(),
        a: fc.maxSafeNat(),
        b: fc.maxSafeNat(),
        previousHash: hexBytes(32),
        lastHash: hexBytes(32),
        signature: base64Bytes(64),
        devicePublicKey: base64Bytes(32),
      })
      .map(({ a, b, ...rest }): StoredBatch => ({ ...rest, firstSeq: Math.min(a, b), lastSeq: Math.max(a, b) }));
    fc.assert(
      fc.property(batches, (batch) => {
        expect(batchFromSyslog(formatBatch(batch))).toEqual({ ok: true, value: batch });
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['ws', (line: string) => line.replace('ws="aa11', 'ws="bb11')],
    ['first', (line: string) => line.replace('first="40"', 'first="41"')],
    ['last', (line: string) => line.replace('last="42"', 'last="41"')],
    ['first after last', (line: string) => line.replace('first="40"', 'first="43"')],
    [
      'prev',
      (line: string) => line.replace(/prev="(.)/, (_match, first: string) => `prev="${first === 'a' ? 'b' : 'a'}`),
    ],
    [
      'hash',
      (line: string) => line.replace(/hash="(.)/, (_match, first: string) => `hash="${first === 'a' ? 'b' : 'a'}`),
    ],
    ['sig', (line: string) => line.replace(/sig="(.)/, (_match, first: string) => `sig="${first === 'A' ? 'B' : 'A'}`)],
    ['key', (line: string) => line.replace(/key="(.)/, (_match, first: string) => `key="${first === 'A' ? 'B' : 'A'}`)],
    ['MSGID', (line: string) => line.replace(' audit-batch ', ' audit-batches ')],
  ])('refuses an edited %s or reads a batch whose signature fails', (_field, tamper) => {
    const line = formatBatch(signedBatch(sodium.crypto_sign_keypair()));
    const edited = tamper(line);
    expect(edited).not.toBe(line);
    const read = batchFromSyslog(edited);
    if (read.ok) expect(batchVerifies(read.value)).toBe(false);
    else expect(read.error).toMatch(PROBLEM);
  });
});

describe('every header field a SIEM shows is bound to what was hashed or signed', () => {
  const head: SignedTreeHead = {
    treeSize: 3,
    timestamp: Date.UTC(2026, 2, 14, 9, 30),
    rootHash: 'a'.repeat(64),
    signature: `${'A'.repeat(86)}==`,
  };
  const batch: StoredBatch = {
    workstationId: WORKSTATION,
    firstSeq: 40,
    lastSeq: 42,
    previousHash: 'a'.repeat(64),
    lastHash: 'b'.repeat(64),
    signature: `${'A'.repeat(86)}==`,
    devicePublicKey: `${'A'.repeat(42)}E=`,
  };
  const lines = { entry: formatAuditEntry(chain()[1]!), 'tree head': formatTreeHead(head), batch: formatBatch(batch) };
  /** The line with header token `index` (0 PRI and VERSION, 1 TIMESTAMP, 2 HOSTNAME, 3 APP-NAME, 4 PROCID, 5 MSGID) replaced. */
  const withHeader = (line: string, index: number, value: string) =>
    line
      .split(' ')
      .map((token, i) => (i === index ? value : token))
      .join(' ');
  const read = (line: string) => auditFromSyslog(line);

  it.each(Object.keys(lines))('reads the %s line back as written', (kind) => {
    expect(read(lines[kind as keyof typeof lines]).ok).toBe(true);
  });

  it.each([
    ['PRI', 0, (token: string) => token.replace(/^<(\d+)>/, (_m, pri: string) => `<${String(Number(pri) + 1)}>`)],
    ['VERSION', 0, (token: string) => token.replace(/1$/, '2')],
    ['HOSTNAME', 2, () => 'relay.siem.example'],
    ['HOSTNAME', 2, () => SERVER_HOSTNAME],
    ['APP-NAME', 3, () => 'other'],
    ['PROCID', 4, () => '4242'],
    ['MSGID', 5, () => 'x'],
  ] as const)('refuses an edited %s on every kind of line', (field, index, change) => {
    for (const [kind, line] of Object.entries(lines)) {
      const edited = withHeader(line, index, change(line.split(' ')[index]!));
      if (edited === line) continue; // the server's own HOSTNAME on its own line
      const result = read(edited);
      expect(result, kind).toEqual({ ok: false, error: field });
    }
  });

  it('refuses a TIMESTAMP that is not the signed one on a head or batch line, and reads an entry’s as another record', () => {
    const moved = (line: string) => withHeader(line, 1, '2026-03-14T09:30:01.000Z');
    expect(read(moved(lines['tree head']))).toEqual({ ok: false, error: 'TIMESTAMP' });
    expect(read(withHeader(lines['tree head'], 1, '-'))).toEqual({ ok: false, error: 'TIMESTAMP' });
    expect(read(moved(lines.batch))).toEqual({ ok: false, error: 'TIMESTAMP' });
    const stored = chain();
    const entry = read(moved(lines.entry));
    expect(
      entry.ok &&
        entry.value.kind === 'entry' &&
        checkEntries(blake2b256, [stored[0]!, entry.value.entry, stored[2]!], WORKSTATION),
    ).toEqual({ seq: 41, problem: 'hash-mismatch' });
  });
});

describe('a record that no longer reads, in a syslog export', () => {
  const lost = { treeIndex: 101, workstationId: WORKSTATION, seq: 41, hash: 'c'.repeat(64) };

  it('round-trips with what is known of it, and with nothing but its place', () => {
    const line = formatUnreadable(lost);
    expect(line).toBe(
      `<108>1 - ${WORKSTATION} wardline - audit-unreadable [unreadable@32473 idx="101" ws="${WORKSTATION}" seq="41" hash="${'c'.repeat(64)}"]`,
    );
    expect(exportLineFromSyslog(line)).toEqual({ ok: true, value: { kind: 'unreadable', unreadable: lost } });
    const bare = { treeIndex: 7, workstationId: null, seq: null, hash: null };
    expect(formatUnreadable(bare)).toBe(
      `<108>1 - ${SERVER_HOSTNAME} wardline - audit-unreadable [unreadable@32473 idx="7"]`,
    );
    expect(exportLineFromSyslog(formatUnreadable(bare))).toEqual({
      ok: true,
      value: { kind: 'unreadable', unreadable: bare },
    });
    // The SIEM is never sent one: as a SIEM line it is not an audit message.
    expect(auditFromSyslog(line)).toEqual({ ok: false, error: 'STRUCTURED-DATA (not an audit message)' });
    expect(exportLineFromSyslog(formatAuditEntry(chain()[0]!))).toEqual({
      ok: true,
      value: { kind: 'entry', entry: chain()[0] },
    });
  });

  it.each([
    ['idx', (line: string) => line.replace('idx="101"', 'idx="x"'), 'unreadable@32473 idx'],
    ['ws', (line: string) => line.replace(`ws="${WORKSTATION}"`, 'ws="Jane Smith"'), 'unreadable@32473 ws'],
    ['HOSTNAME', (line: string) => line.replace(` ${WORKSTATION} wardline`, ' relay wardline'), 'HOSTNAME'],
    ['TIMESTAMP', (line: string) => line.replace('<108>1 - ', '<108>1 2026-03-14T09:30:01.000Z '), 'TIMESTAMP'],
    ['an added param', (line: string) => line.replace('"]', '" at="1"]'), 'unreadable@32473 (unexpected param)'],
  ])('refuses an edited %s', (_name, tamper, problem) => {
    const read = exportLineFromSyslog(tamper(formatUnreadable(lost)));
    expect(read).toEqual({ ok: false, error: problem });
    expect(JSON.stringify(read)).not.toContain('Smith');
  });
});

describe('a record purged under retention, in a syslog export', () => {
  const stub = { treeIndex: 101, workstationId: WORKSTATION, seq: 41, hash: 'c'.repeat(64) };

  it('round-trips its place and hash, as a notice the SIEM is never sent', () => {
    const line = formatPurged(stub);
    expect(line).toBe(
      `<109>1 - ${WORKSTATION} wardline - audit-purged [purged@32473 idx="101" ws="${WORKSTATION}" seq="41" hash="${'c'.repeat(64)}"]`,
    );
    expect(exportLineFromSyslog(line)).toEqual({ ok: true, value: { kind: 'purged', purged: stub } });
    expect(auditFromSyslog(line)).toEqual({ ok: false, error: 'STRUCTURED-DATA (not an audit message)' });
  });

  it.each([
    ['idx', (line: string) => line.replace('idx="101"', 'idx="x"'), 'purged@32473 idx'],
    ['ws', (line: string) => line.replace(`ws="${WORKSTATION}"`, 'ws="Jane Smith"'), 'purged@32473 ws'],
    ['hash', (line: string) => line.replace(` hash="${'c'.repeat(64)}"`, ''), 'purged@32473 hash'],
    ['HOSTNAME', (line: string) => line.replace(` ${WORKSTATION} wardline`, ' relay wardline'), 'HOSTNAME'],
    ['an added param', (line: string) => line.replace('"]', '" at="1"]'), 'purged@32473 (unexpected param)'],
  ])('refuses an edited %s', (_name, tamper, problem) => {
    const read = exportLineFromSyslog(tamper(formatPurged(stub)));
    expect(read).toEqual({ ok: false, error: problem });
    expect(JSON.stringify(read)).not.toContain('Smith');
  });
});

describe('auditFromSyslog', () => {
  it('refuses what is not one of the audit forms', () => {
    expect(auditFromSyslog('<13>1 - - - - - [meta x="1"]')).toEqual({
      ok: false,
      error: 'STRUCTURED-DATA (not an audit message)',
    });
    expect(auditFromSyslog('not syslog')).toEqual({ ok: false, error: 'RFC 5424 syntax' });
  });
});

describe("lines written under the hospital's own Private Enterprise Number", () => {
  const PEN = { enterpriseNumber: 54_321 };
  const place = { treeIndex: 101, workstationId: WORKSTATION, seq: 41, hash: 'c'.repeat(64) };
  const head: SignedTreeHead = {
    treeSize: 3,
    timestamp: 5,
    rootHash: 'a'.repeat(64),
    signature: `${'A'.repeat(86)}==`,
  };

  it('read back exactly, whatever PEN wrote them, and name that PEN in a problem', () => {
    const stored = chain()[0]!;
    const entryLine = formatAuditEntry(stored, PEN);
    expect(entryLine).toContain('[audit@54321 ');
    expect(entryFromSyslog(entryLine)).toEqual({ ok: true, value: stored });
    expect(auditFromSyslog(entryLine)).toEqual({ ok: true, value: { kind: 'entry', entry: stored } });
    expect(headFromSyslog(formatTreeHead(head, { ...PEN, auditKey: null }))).toEqual({
      ok: true,
      value: { head, auditKey: null },
    });
    expect(exportLineFromSyslog(formatUnreadable(place, PEN))).toEqual({
      ok: true,
      value: { kind: 'unreadable', unreadable: place },
    });
    expect(exportLineFromSyslog(formatPurged(place, PEN))).toEqual({
      ok: true,
      value: { kind: 'purged', purged: place },
    });
    expect(entryFromSyslog(entryLine.replace('seq="40"', 'seq="x"'))).toEqual({ ok: false, error: 'audit@54321 seq' });
  });

  it('refuses an SD-ID whose number is not a PEN, or a second element under another PEN', () => {
    const entryLine = formatAuditEntry(chain()[0]!, PEN);
    for (const id of ['audit@0', 'audit@054321', 'audit@4294967296', 'audit@99999999999', 'audit@1.3'])
      expect(entryFromSyslog(entryLine.replace('audit@54321', id))).toEqual({
        ok: false,
        error: 'STRUCTURED-DATA (no audit@<enterprise number>)',
      });
    expect(auditFromSyslog(entryLine.replace('audit@54321', 'audit@0'))).toEqual({
      ok: false,
      error: 'STRUCTURED-DATA (not an audit message)',
    });
    expect(entryFromSyslog(`${entryLine}[audit@1 idx="0"]`)).toEqual({
      ok: false,
      error: 'STRUCTURED-DATA (unexpected element)',
    });
  });
});
