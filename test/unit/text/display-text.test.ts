import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MARKS, displayText, displayTextOrNull, isDisplayText } from '../../../shared/text/display-text';

/** What must never be on screen inside a name, subject or label. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}]/u;

const char = (codePoint: number) => String.fromCodePoint(codePoint);

describe('display text: no displayed name, subject or label carries an invisible or direction-changing character', () => {
  it.each([
    ['right-to-left override (U+202E)', 'Dr. \u202Enewyug\u202C Minh', 'Dr. newyug Minh'],
    ['left-to-right override and embeddings (U+202A-202D)', '\u202AA\u202BB\u202DC\u202C', 'ABC'],
    [
      'isolates LRI/RLI/FSI/PDI (U+2066-2069)',
      '\u2066Chief\u2069 \u2067Medical\u2069 \u2068Officer\u2069',
      'Chief Medical Officer',
    ],
    ['LRM, RLM and the Arabic letter mark', 'A\u200EB\u200FC\u061CD', 'ABCD'],
    ['zero-width space and word joiner', 'Minh\u200BNguyen\u2060', 'MinhNguyen'],
    ['zero-width joiner and non-joiner', 'N\u200Dg\u200Cuyen', 'Nguyen'],
    ['byte-order mark', '\uFEFFOn-call', 'On-call'],
    ['soft hyphen', 'Car\u00ADdiology', 'Cardiology'],
    ['tag characters (U+E0000 block)', 'Ward\u{E0001}\u{E0041}\u{E0042}\u{E007F} 7', 'Ward 7'],
    ['variation selectors (BMP and supplement)', 'A\uFE0FB\u{E0100}C', 'ABC'],
    ['combining grapheme joiner and Hangul fillers', 'A\u034FB\u3164C\uFFA0D\u115F', 'ABCD'],
    ['interlinear annotation characters', '\uFFF9Bed 4\uFFFAx\uFFFB', 'Bed 4x'],
    ['invisible math operators', 'a\u2061b\u2062c\u2063d\u2064', 'abcd'],
    ['noncharacters and a lone surrogate', 'A\uFFFEB\uFDD0C\uD800D', 'ABCD'],
  ])('removes %s', (_name, input, expected) => {
    expect(displayText(input)).toBe(expected);
  });

  it('turns control characters, separators and odd spaces into one space, and trims', () => {
    expect(displayText('  Dr.\tMinh\r\nNguyen\u0000\u001F\u0085x ')).toBe('Dr. Minh Nguyen x');
    expect(displayText('A\u2028B\u2029C\u00A0D\u3000E\u2003F\u2800G\u202FH')).toBe('A B C D E F G H');
  });

  it('keeps ordinary names in any script, including right-to-left letters', () => {
    for (const name of [
      'Dr. Minh Nguyễn',
      'Chidinma Okafor',
      'Zoë O’Brien-Løvstad',
      'محمد علي',
      'דוד לוי',
      '王小明',
      'Ελένη',
      'Dr. Anika Patel',
    ]) {
      expect(displayText(name)).toBe(name.normalize('NFC'));
      expect(isDisplayText(name.normalize('NFC'))).toBe(true);
    }
  });

  it('composes to NFC, so one name has one form', () => {
    expect(displayText('Nguye\u0302\u0303n')).toBe('Nguyễn');
  });

  it(`keeps at most ${String(MAX_MARKS)} combining marks on one character`, () => {
    const shown = displayText(`Z${'\u0301\u0316'.repeat(20)}algo`);
    expect(shown.match(/\p{M}/gu)).toHaveLength(MAX_MARKS);
    expect(shown.endsWith('algo')).toBe(true);
  });

  it('cuts to a length by code point, never halving a surrogate pair', () => {
    expect(displayText('😀😀😀', 2)).toBe('😀😀');
    expect(displayText('abc def', 4)).toBe('abc');
  });

  it('gives null for a subject with nothing visible in it', () => {
    expect(displayTextOrNull('\u200B\u202E \u2066\u2069')).toBeNull();
    expect(displayTextOrNull(null)).toBeNull();
    expect(displayTextOrNull(' Bed 4 ')).toBe('Bed 4');
  });

  it('leaves no hidden character behind for any single code point', () => {
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint += 1) {
      const shown = displayText(`a${char(codePoint)}b`);
      if (HIDDEN.test(shown)) throw new Error(`U+${codePoint.toString(16).toUpperCase()} survives`);
    }
  });

  it('leaves no hidden character behind in any string, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (value) => {
        const shown = displayText(value);
        expect(HIDDEN.test(shown)).toBe(false);
        expect(displayText(shown)).toBe(shown);
        expect(shown).toBe(shown.trim());
        expect(shown.includes('  ')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
