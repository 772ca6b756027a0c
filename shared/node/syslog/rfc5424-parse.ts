/**
 * A strict RFC 5424 parser (and RFC 5425 octet-counting deframer), written from the RFC's ABNF
 * rather than from our formatter, so a message that only our own code could read fails here as
 * it would fail in a SIEM. The offline verifier reads a syslog export back through it
 * (audit-syslog.ts), and the SIEM tests check what rsyslog received with it. Anything the ABNF
 * does not allow throws.
 */

export interface SdElement {
  readonly id: string;
  /** In order; a PARAM-NAME may repeat, so this is not a map. */
  readonly params: readonly (readonly [name: string, value: string])[];
}

export interface SyslogMessage {
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  readonly version: number;
  /** null for the NILVALUE `-`, as for the other header fields. */
  readonly timestamp: string | null;
  readonly hostname: string | null;
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  readonly structuredData: readonly SdElement[];
  /** null when there is no MSG part; a leading BOM (MSG-UTF8) is removed. */
  readonly msg: string | null;
}

export class Rfc5424Error extends Error {
  constructor(reason: string, position: number) {
    super(`not RFC 5424: ${reason} at offset ${String(position)}`);
    this.name = 'Rfc5424Error';
  }
}

/** SD-IDs without an `@` are IANA's (RFC 5424 §7); any other needs `name@<enterprise number>`. */
const REGISTERED_SD_IDS = new Set(['timeQuality', 'origin', 'meta']);
const BOM = '\uFEFF';

const isPrintUsAscii = (char: string) => {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= 33 && code <= 126;
};
const isSdNameChar = (char: string) => isPrintUsAscii(char) && char !== '=' && char !== ']' && char !== '"';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** FULL-DATE "T" FULL-TIME (RFC 5424 §6.2.3): upper-case T and Z, at most 6 fraction digits, no leap second. */
function checkTimestamp(value: string, position: number): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (match === null) throw new Rfc5424Error('TIMESTAMP is not FULL-DATE "T" FULL-TIME', position);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetHour = match[7] === undefined ? 0 : Number(match[7]);
  const offsetMinute = match[8] === undefined ? 0 : Number(match[8]);
  const monthDays = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > monthDays)
    throw new Rfc5424Error('TIMESTAMP date out of range', position);
  if (hour > 23 || minute > 59 || second > 59 || offsetHour > 23 || offsetMinute > 59)
    throw new Rfc5424Error('TIMESTAMP time out of range', position);
}

class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  fail(reason: string): never {
    throw new Rfc5424Error(reason, this.position);
  }

  expect(char: string, what: string): void {
    if (this.peek() !== char) this.fail(`expected ${what}`);
    this.position += 1;
  }

  /** A header field: NILVALUE or 1*max PRINTUSASCII, up to the next SP. */
  field(name: string, max: number): string | null {
    const start = this.position;
    while (!this.done && this.peek() !== ' ') {
      if (!isPrintUsAscii(this.peek())) this.fail(`${name} has a character outside PRINTUSASCII`);
      this.position += 1;
    }
    const value = this.text.slice(start, this.position);
    if (value === '') this.fail(`${name} is empty`);
    if (value.length > max) throw new Rfc5424Error(`${name} is longer than ${String(max)}`, start);
    return value === '-' ? null : value;
  }

  /** SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']' and '"'. */
  sdName(what: string): string {
    const start = this.position;
    while (!this.done && isSdNameChar(this.peek())) this.position += 1;
    const name = this.text.slice(start, this.position);
    if (name === '') this.fail(`${what} is empty`);
    if (name.length > 32) throw new Rfc5424Error(`${what} is longer than 32`, start);
    return name;
  }

  /** PARAM-VALUE between the quotes: '"', '\' and ']' must be escaped; any other '\' is itself. */
  paramValue(): string {
    let value = '';
    for (;;) {
      if (this.done) this.fail('PARAM-VALUE is not terminated');
      const char = this.peek();
      if (char === '"') {
        this.position += 1;
        return value;
      }
      if (char === ']') this.fail("']' in PARAM-VALUE is not escaped");
      if (char === '\\') {
        const next = this.text.charAt(this.position + 1);
        if (next === '"' || next === '\\' || next === ']') {
          value += next;
          this.position += 2;
          continue;
        }
      }
      value += char;
      this.position += 1;
    }
  }
}

function checkSdId(id: string, position: number): void {
  const at = id.indexOf('@');
  if (at === -1) {
    if (!REGISTERED_SD_IDS.has(id))
      throw new Rfc5424Error(`SD-ID ${id} is neither IANA-registered nor name@number`, position);
    return;
  }
  if (at === 0 || !/^\d+(?:\.\d+)*$/.test(id.slice(at + 1)))
    throw new Rfc5424Error(`SD-ID ${id} is not name@<enterprise number>`, position);
}

function structuredData(cursor: Cursor): SdElement[] {
  if (cursor.peek() === '-') {
    cursor.position += 1;
    return [];
  }
  const elements: SdElement[] = [];
  const ids = new Set<string>();
  if (cursor.peek() !== '[') cursor.fail('expected STRUCTURED-DATA');
  while (cursor.peek() === '[') {
    cursor.position += 1;
    const idAt = cursor.position;
    const id = cursor.sdName('SD-ID');
    checkSdId(id, idAt);
    if (ids.has(id)) throw new Rfc5424Error(`SD-ID ${id} appears twice`, idAt);
    ids.add(id);
    const params: [string, string][] = [];
    while (cursor.peek() === ' ') {
      cursor.position += 1;
      const name = cursor.sdName('PARAM-NAME');
      cursor.expect('=', "'=' after PARAM-NAME");
      cursor.expect('"', "'\"' opening PARAM-VALUE");
      params.push([name, cursor.paramValue()]);
    }
    cursor.expect(']', "']' closing SD-ELEMENT");
    elements.push({ id, params });
  }
  return elements;
}

/** One SYSLOG-MSG (RFC 5424 §6), already deframed. */
export function parseRfc5424(text: string): SyslogMessage {
  // Annotated so that TypeScript treats cursor.fail() as ending the flow.
  const cursor: Cursor = new Cursor(text);
  cursor.expect('<', "'<' opening PRI");
  const priMatch = /^(0|[1-9]\d{0,2})>/.exec(text.slice(cursor.position, cursor.position + 4));
  if (priMatch?.[1] === undefined) cursor.fail('PRIVAL is not 1*3DIGIT without leading zeros');
  const pri = Number(priMatch[1]);
  if (pri > 191) cursor.fail('PRIVAL is above 191');
  cursor.position += priMatch[0].length;

  const versionMatch = /^[1-9]\d{0,2}/.exec(text.slice(cursor.position, cursor.position + 3));
  if (versionMatch === null) cursor.fail('VERSION is not NONZERO-DIGIT 0*2DIGIT');
  cursor.position += versionMatch[0].length;
  cursor.expect(' ', 'SP after VERSION');

  const timestampAt = cursor.position;
  const timestamp = cursor.field('TIMESTAMP', 32);
  if (timestamp !== null) checkTimestamp(timestamp, timestampAt);
  cursor.expect(' ', 'SP after TIMESTAMP');
  const hostname = cursor.field('HOSTNAME', 255);
  cursor.expect(' ', 'SP after HOSTNAME');
  const appName = cursor.field('APP-NAME', 48);
  cursor.expect(' ', 'SP after APP-NAME');
  const procId = cursor.field('PROCID', 128);
  cursor.expect(' ', 'SP after PROCID');
  const msgId = cursor.field('MSGID', 32);
  cursor.expect(' ', 'SP after MSGID');

  const elements = structuredData(cursor);
  let msg: string | null = null;
  if (!cursor.done) {
    cursor.expect(' ', 'SP before MSG or end of message');
    msg = text.slice(cursor.position);
    if (msg.startsWith(BOM)) msg = msg.slice(BOM.length);
  }
  return {
    pri,
    facility: Math.floor(pri / 8),
    severity: pri % 8,
    version: Number(versionMatch[0]),
    timestamp,
    hostname,
    appName,
    procId,
    msgId,
    structuredData: elements,
    msg,
  };
}

/** The params of one SD-ELEMENT as a record; a repeated PARAM-NAME is an error here. */
export function paramsOf(element: SdElement): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of element.params) {
    if (Object.hasOwn(record, name)) throw new Error(`PARAM-NAME ${name} repeats in ${element.id}`);
    record[name] = value;
  }
  return record;
}

/** RFC 5425 §4.3 octet counting: MSG-LEN SP SYSLOG-MSG, repeated; the messages must be UTF-8. */
export function unframe(bytes: Uint8Array): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const messages: string[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    let end = offset;
    while (end < bytes.length && bytes[end] !== 0x20) end += 1;
    const digits = new TextDecoder('latin1').decode(bytes.subarray(offset, end));
    if (!/^[1-9]\d*$/.test(digits)) throw new Rfc5424Error('MSG-LEN is not NONZERO-DIGIT *DIGIT', offset);
    if (end === bytes.length) throw new Rfc5424Error('frame has no SP after MSG-LEN', offset);
    const start = end + 1;
    const length = Number(digits);
    if (start + length > bytes.length) throw new Rfc5424Error('frame is shorter than its MSG-LEN', offset);
    messages.push(decoder.decode(bytes.subarray(start, start + length)));
    offset = start + length;
  }
  return messages;
}
