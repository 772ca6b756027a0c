/**
 * The few pieces of RFC 5322 / MIME a review export needs, written here rather than taken from a
 * mail library: every body part is base64 (so no quoted-printable rules), and the headers are
 * ids, dates and names. What matters is done once and tested: non-ASCII in a header becomes
 * RFC 2047 encoded-words of at most 75 characters, never cut inside a character; a file name
 * becomes an RFC 2231 parameter; every line ends CRLF and none is longer than 78 characters; a
 * header value can never carry a line break of its own (header injection).
 */

export const CRLF = '\r\n';
/** RFC 5322 §2.1.1: lines SHOULD be at most 78 characters. */
export const MAX_LINE = 78;
/** RFC 2045 §6.8: base64 lines are at most 76 characters. */
const BASE64_LINE = 76;
/** UTF-8 bytes per encoded-word: 45 bytes are 60 base64 characters, 72 with `=?UTF-8?B?` and `?=`. */
const WORD_BYTES = 45;

/** Printable ASCII without controls: what may stand in a header as it is. */
const PLAIN = /^[\x20-\x7e]*$/;
/** RFC 5322 atext plus space: a display name of these needs no quoting. */
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$/;
/** dot-atom: a local part that needs no quoting. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Line breaks and other controls become spaces: a value cannot start a header of its own. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** The text as RFC 2047 encoded-words (B encoding, UTF-8), each a whole number of characters. */
export function encodedWords(text: string): string[] {
  const words: string[] = [];
  const encoder = new TextEncoder();
  let piece = '';
  let bytes = 0;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (bytes + size > WORD_BYTES && piece !== '') {
      words.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += char;
    bytes += size;
  }
  if (piece !== '') words.push(piece);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`);
}

/** Unstructured header text (a subject): as it is if plain ASCII, else encoded-words. */
export function unstructured(text: string): string[] {
  const line = oneLine(text);
  if (PLAIN.test(line) && !/=\?/.test(line)) return line.split(' ').filter((word) => word !== '');
  return encodedWords(line);
}

/** A display name as a phrase: an atom run, a quoted string, or encoded-words. */
export function displayPhrase(name: string): string[] {
  const line = oneLine(name);
  if (ATOM_PHRASE.test(line)) return line.split(' ').filter((word) => word !== '');
  if (PLAIN.test(line) && !/=\?/.test(line)) return [`"${line.replace(/["\\]/g, (c) => `\\${c}`)}"`];
  return encodedWords(line);
}

/** `local@domain`, quoting the local part when it is not a dot-atom (a user id like `a..b`). */
export function addrSpec(local: string, domain: string): string {
  return DOT_ATOM.test(local) ? `${local}@${domain}` : `"${local.replace(/["\\]/g, (c) => `\\${c}`)}"@${domain}`;
}

/** `Name <address>` as header tokens (the last token carries the address). */
export function mailbox(name: string | null, address: string): string[] {
  const phrase = name === null ? [] : displayPhrase(name);
  return [...phrase, `<${address}>`];
}

/**
 * A header field folded at whitespace so no line passes 78 characters. `groups` are joined by
 * `separator` (", " between mailboxes); the tokens within a group by spaces. A single token
 * longer than a line (none we make is) stays whole rather than be broken.
 */
export function headerField(name: string, groups: readonly (readonly string[])[], separator = ' '): string {
  const tokens: string[] = [];
  groups.forEach((group, index) => {
    group.forEach((token, at) => {
      const last = at === group.length - 1 && index < groups.length - 1;
      tokens.push(last && separator !== ' ' ? `${token}${separator.trimEnd()}` : token);
    });
  });
  const lines: string[] = [];
  let line = `${name}:`;
  for (const token of tokens) {
    if (line.length + 1 + token.length > MAX_LINE && line.trim().length > name.length + 1) {
      lines.push(line);
      line = ` ${token}`;
    } else {
      line += ` ${token}`;
    }
  }
  lines.push(line);
  return lines.join(CRLF);
}

/** A structured value that is only ids and words: checked plain, never encoded. */
export function plainField(name: string, value: string): string {
  const line = oneLine(value);
  if (!PLAIN.test(line)) throw new RangeError(`${name} must be plain ASCII`);
  return headerField(name, [line.split(' ').filter((word) => word !== '')]);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time, in UTC: `Mon, 07 Dec 2026 06:05:49 +0000`. */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  return (
    `${DAYS[d.getUTCDay()] ?? ''}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ''} ${String(d.getUTCFullYear())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** Characters a parameter segment holds: with ` name*12*=""; ` it stays within a line. */
const SEGMENT = 56;

/**
 * A file name as a MIME parameter, one segment per line: `filename="…"` when it is short plain
 * ASCII, else RFC 2231 continuations (`filename*0*=UTF-8''…; filename*1*=…`, percent-encoded),
 * so a long or non-ASCII name keeps every line within 78 characters.
 */
export function fileNameParameter(parameter: 'filename' | 'name', fileName: string): string[] {
  const line = oneLine(fileName);
  const quoted = line.replace(/["\\]/g, (c) => `\\${c}`);
  if (PLAIN.test(line) && quoted.length <= SEGMENT) return [`${parameter}="${quoted}"`];
  const encoded = Array.from(Buffer.from(line, 'utf8')).map((byte) =>
    /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(byte))
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  );
  const segments: string[] = [];
  let piece = "UTF-8''";
  for (const unit of encoded) {
    if (piece.length + unit.length > SEGMENT) {
      segments.push(piece);
      piece = '';
    }
    piece += unit;
  }
  segments.push(piece);
  if (segments.length === 1) return [`${parameter}*=${piece}`];
  return segments.map((segment, index) => `${parameter}*${String(index)}*=${segment}`);
}

/**
 * Base64 of a stream of pieces in lines of 76 characters, CRLF after each, so a large
 * attachment is written as it is decrypted. `push` returns the complete lines ready so far;
 * `end` the rest.
 */
export function base64Lines(): { push(piece: Uint8Array): string; end(): string } {
  // Whole groups of 57 bytes are exactly one 76-character line.
  const LINE_BYTES = (BASE64_LINE / 4) * 3;
  let held: Buffer = Buffer.alloc(0);
  const lines = (bytes: Buffer) => {
    let out = '';
    for (let at = 0; at < bytes.length; at += LINE_BYTES)
      out += `${bytes.subarray(at, at + LINE_BYTES).toString('base64')}${CRLF}`;
    return out;
  };
  return {
    push(piece) {
      const all = Buffer.concat([held, piece]);
      const whole = all.length - (all.length % LINE_BYTES);
      held = Buffer.from(all.subarray(whole));
      return lines(all.subarray(0, whole));
    },
    end() {
      const rest = lines(held);
      held = Buffer.alloc(0);
      return rest;
    },
  };
}
