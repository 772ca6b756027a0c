/**
 * The minimum-necessary guard's scanner: which identifiers a message's text holds, how many of
 * each, and where (for the compose box to select them; never logged, never sent anywhere). Pure
 * and synchronous, with the time passed in: main runs it before it seals a message (the check that
 * counts), and the renderer runs the same code to show where what main refused is.
 */
import { IDENTIFIER_KINDS, MAX_IDENTIFIER_COUNT, type IdentifierKind } from './identifier-kinds';
import { identifierRules, type IdentifierRule, type ScanContext } from './identifier-rules';

export type { ScanContext } from './identifier-rules';

/** Characters `start` (inclusive) to `end` (exclusive) of the text, in UTF-16 units as the DOM counts. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export interface IdentifierFinding {
  readonly kind: IdentifierKind;
  readonly count: number;
  /** In text order. */
  readonly spans: readonly TextSpan[];
}

interface Claim extends TextSpan {
  readonly kind: IdentifierKind;
}

function* matchesOf(rule: IdentifierRule, text: string, context: ScanContext): Generator<Claim> {
  const pattern = new RegExp(rule.pattern.source, rule.pattern.flags);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const groups = match.groups ?? {};
    const span = match.indices?.groups?.id ?? match.indices?.[0];
    if (span === undefined) continue;
    if (rule.accept && !rule.accept({ ...groups, id: groups.id ?? match[0] }, context)) {
      // A refused candidate may hide one that starts inside it ("1 555 123 4567" after a failed date).
      pattern.lastIndex = match.index + 1;
      continue;
    }
    yield { kind: rule.kind, start: span[0], end: span[1] };
  }
}

const overlaps = (a: TextSpan, b: TextSpan) => a.start < b.end && b.start < a.end;

/** Every identifier in `text`, by kind in the catalogue's order; kinds not found are left out. */
export function findIdentifiers(text: string, context: ScanContext): IdentifierFinding[] {
  const claimed: Claim[] = [];
  for (const rule of identifierRules(context.mrnFormats)) {
    for (const claim of matchesOf(rule, text, context)) {
      // An earlier row already holds these characters: it is the surer reading of them.
      if (!claimed.some((held) => overlaps(held, claim))) claimed.push(claim);
    }
  }
  return IDENTIFIER_KINDS.flatMap((kind) => {
    const spans = claimed
      .filter((claim) => claim.kind === kind)
      .map(({ start, end }) => ({ start, end }))
      .sort((a, b) => a.start - b.start);
    return spans.length === 0 ? [] : [{ kind, count: Math.min(spans.length, MAX_IDENTIFIER_COUNT), spans }];
  });
}
