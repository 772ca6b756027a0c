/**
 * The compose side of the minimum-necessary guard, shared by New message and the reply box. Main
 * decides (it refuses a send with IDENTIFIERS_FOUND or IDENTIFIERS_BLOCKED and the kinds found);
 * this keeps what the sender is asked: the warning dialog, or for a block the reason, and after
 * either the list of what is still flagged, each of which can be selected in its field.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AppError } from '../../../../shared/errors';
import {
  IDENTIFIER_KINDS,
  type IdentifierCount,
  type IdentifierKind,
} from '../../../../shared/text/identifier-guard/identifier-kinds';
import { parseMrnFormats, type MrnFormat } from '../../../../shared/text/identifier-guard/mrn-format';
import { useNow } from '../use-now';
import { flaggedSpots, spotCounts, type FlaggedSpot, type GuardedField } from './flagged-spots';

export interface IdentifierGuard {
  /** The warning to ask about (the dialog is open while this is set). */
  readonly warning: readonly IdentifierCount[] | null;
  /** What policy refused, to say why (shown in the form's alert). */
  readonly blocked: readonly IdentifierCount[] | null;
  /** After a warning or a block: what is flagged in the fields now, or null before either. */
  readonly flagged: readonly IdentifierCount[] | null;
  /** Which flagged spot is selected ("2 of 3"), or null. */
  readonly selected: { readonly index: number; readonly of: number } | null;
  /** Takes a refused send: true when it was the guard's refusal, which is now shown. */
  readonly refused: (error: AppError) => boolean;
  /** The kinds to acknowledge when the sender chose Send anyway; closes the dialog. */
  readonly sendAnyway: () => IdentifierKind[];
  /** Edit message: closes the dialog and selects the first flagged spot. */
  readonly edit: () => void;
  /** Selects the next flagged spot in its field. */
  readonly selectNext: () => void;
  /** The message went: nothing is flagged any more. */
  readonly reset: () => void;
}

function selectSpot(spot: FlaggedSpot): void {
  const element = document.getElementById(spot.fieldId);
  if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) return;
  element.focus();
  element.setSelectionRange(spot.start, spot.end, 'forward');
  // The field and the flagged line under it both in sight.
  element.scrollIntoView({ block: 'center' });
}

export function useIdentifierGuard(bridge: WardlineApi, fields: readonly GuardedField[]): IdentifierGuard {
  const [warning, setWarning] = useState<readonly IdentifierCount[] | null>(null);
  const [blocked, setBlocked] = useState<readonly IdentifierCount[] | null>(null);
  const [shown, setShown] = useState(false);
  const [selectedIndex, setSelectedIndex] = useState<number | null>(null);
  /** Set by Edit message: select once the dialog has gone, so its focus return does not undo it. */
  const selectAfterClose = useRef(false);
  const now = useNow();
  const [mrnFormats, setMrnFormats] = useState<readonly MrnFormat[]>([]);

  useEffect(() => {
    let live = true;
    void bridge.policy.get().then((result) => {
      if (!live || !result.ok) return;
      const parsed = parseMrnFormats(result.value.policy.mrnFormats);
      if (parsed.ok) setMrnFormats(parsed.value);
    });
    return () => {
      live = false;
    };
  }, [bridge]);

  const spotsNow = useCallback(() => flaggedSpots(fields, { now, mrnFormats }), [fields, mrnFormats, now]);
  const flaggedNow = useMemo(
    () => (shown ? spotCounts(flaggedSpots(fields, { now, mrnFormats }), IDENTIFIER_KINDS) : null),
    [fields, mrnFormats, now, shown],
  );

  const select = useCallback(
    (index: number) => {
      const spots = spotsNow();
      const spot = spots[index % Math.max(spots.length, 1)];
      if (spot === undefined) {
        setSelectedIndex(null);
        return;
      }
      setSelectedIndex(index % spots.length);
      selectSpot(spot);
    },
    [spotsNow],
  );

  useEffect(() => {
    if (!selectAfterClose.current || warning !== null) return;
    selectAfterClose.current = false;
    select(0);
  }, [select, warning]);

  const spotCount = flaggedNow?.reduce((sum, { count }) => sum + count, 0) ?? 0;
  return {
    warning,
    blocked,
    flagged: flaggedNow,
    selected:
      selectedIndex === null || spotCount === 0
        ? null
        : { index: Math.min(selectedIndex, spotCount - 1), of: spotCount },
    refused(error) {
      if (error.code !== 'IDENTIFIERS_FOUND' && error.code !== 'IDENTIFIERS_BLOCKED') return false;
      const found = error.identifiers ?? [];
      setShown(true);
      setSelectedIndex(null);
      if (error.code === 'IDENTIFIERS_FOUND') {
        setBlocked(null);
        setWarning(found);
      } else {
        setWarning(null);
        setBlocked(found);
      }
      return true;
    },
    sendAnyway() {
      const kinds = (warning ?? []).map(({ kind }) => kind);
      setWarning(null);
      return kinds;
    },
    edit() {
      selectAfterClose.current = true;
      setWarning(null);
    },
    selectNext() {
      select(selectedIndex === null ? 0 : selectedIndex + 1);
    },
    reset() {
      setWarning(null);
      setBlocked(null);
      setShown(false);
      setSelectedIndex(null);
    },
  };
}
