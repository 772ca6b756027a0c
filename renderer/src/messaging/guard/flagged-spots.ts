/**
 * Where in the fields being written the identifier check finds something: the same scan main
 * runs (shared/text/identifier-guard/), here only so the compose box can select each one for the
 * sender to see and edit. Nothing here is sent or kept. Pure, so it is tested without a browser.
 */
import type { IdentifierCount, IdentifierKind } from '../../../../shared/text/identifier-guard/identifier-kinds';
import { findIdentifiers, type ScanContext } from '../../../../shared/text/identifier-guard/identifier-scan';

/** A text field the sender is writing: its element id and what is in it now. */
export interface GuardedField {
  readonly id: string;
  readonly text: string;
}

export interface FlaggedSpot {
  readonly fieldId: string;
  readonly kind: IdentifierKind;
  readonly start: number;
  readonly end: number;
}

/** Every flagged place, field by field in the order given, each field in text order. */
export function flaggedSpots(fields: readonly GuardedField[], context: ScanContext): FlaggedSpot[] {
  return fields.flatMap((field) =>
    findIdentifiers(field.text, context)
      .flatMap(({ kind, spans }) => spans.map((span) => ({ fieldId: field.id, kind, ...span })))
      .sort((a, b) => a.start - b.start),
  );
}

/** Kinds and counts of the spots, in the catalogue's order (what the words say). */
export function spotCounts(spots: readonly FlaggedSpot[], order: readonly IdentifierKind[]): IdentifierCount[] {
  return order.flatMap((kind) => {
    const count = spots.filter((spot) => spot.kind === kind).length;
    return count === 0 ? [] : [{ kind, count }];
  });
}
