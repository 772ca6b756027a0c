/**
 * The minimum-necessary guard where it counts: in main, before a message is sealed. The renderer
 * asks and highlights, but it may be anyone's; this scans the subject and text itself, under the
 * machine policy for the sender's role, and answers with a typed refusal carrying the kinds and
 * counts found (never the text, never where in it).
 *
 * - Warned: refused with IDENTIFIERS_FOUND and recorded `guard.warned`, until the request names
 *   exactly the kinds found (`guardOverride`): then it goes, and `guard.overridden` is recorded
 *   with the message's `message.sent`, so neither exists without the other.
 * - Blocked (the role's mode, or a kind policy never lets go): refused with IDENTIFIERS_BLOCKED
 *   and recorded `guard.blocked` as a failure, whatever the request says.
 * A warning or refusal that cannot be recorded refuses the send as any unrecordable action does.
 */
import { appError, appErrorWithIdentifiers } from '../../shared/errors';
import { actionEvent, type ActionEvent } from '../../shared/audit/audit-event-builder';
import type { SendRequest } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { guardVerdict, type GuardRules } from '../../shared/text/identifier-guard/guard-verdict';
import {
  IDENTIFIER_KINDS,
  MAX_IDENTIFIER_COUNT,
  type IdentifierCount,
} from '../../shared/text/identifier-guard/identifier-kinds';
import { findIdentifiers } from '../../shared/text/identifier-guard/identifier-scan';
import type { ActionRecords } from './action-records';

/** What a guard record names besides what was found. */
export interface GuardSubject {
  /** The conversation replied to; null for a new one, which has no id until it is sent. */
  readonly conversationId: string | null;
  readonly patient: string | null;
}

export interface IdentifierCheckDeps {
  readonly rules: GuardRules;
  readonly records: Pick<ActionRecords, 'refusal'>;
  readonly now: () => number;
}

/** May the send go on: with the findings the sender overrode (to record with the send), or none. */
export type IdentifierCheck = (
  request: SendRequest,
  subject: GuardSubject,
) => Promise<IpcResult<{ readonly overridden: readonly IdentifierCount[] | null }>>;

type GuardAction = 'guard.warned' | 'guard.overridden' | 'guard.blocked';

/** The record of a guard decision: kinds and counts, the conversation and its patient. */
export function guardEvent(action: GuardAction, found: readonly IdentifierCount[], subject: GuardSubject): ActionEvent {
  return actionEvent({
    action,
    object: {
      kind: 'identifiers',
      conversationId: subject.conversationId,
      found: found.map(({ kind, count }) => ({ identifier: kind, count })),
    },
    patient: subject.patient,
    ...(action === 'guard.blocked' ? { outcome: 'failure' as const, reason: 'IDENTIFIERS_BLOCKED' } : {}),
  });
}

/** Kinds and counts over the subject and the text together: both reach every recipient. */
function scan(request: SendRequest, deps: IdentifierCheckDeps): IdentifierCount[] {
  const context = { now: deps.now(), mrnFormats: deps.rules.mrnFormats };
  const title = 'title' in request ? request.title : null;
  // An empty part has nothing to find; skipping it spares a photo sent without a caption the
  // rules' compile, which a heap full of image buffers can make V8 redo at every send.
  const findings = [title ?? '', request.text]
    .filter((part) => part.length > 0)
    .flatMap((part) => findIdentifiers(part, context));
  return IDENTIFIER_KINDS.flatMap((kind) => {
    const count = findings.filter((finding) => finding.kind === kind).reduce((sum, finding) => sum + finding.count, 0);
    return count === 0 ? [] : [{ kind, count: Math.min(count, MAX_IDENTIFIER_COUNT) }];
  });
}

export function createIdentifierCheck(deps: IdentifierCheckDeps): IdentifierCheck {
  return async (request, subject) => {
    if (deps.rules.mode === 'off') return ok({ overridden: null });
    const verdict = guardVerdict(scan(request, deps), deps.rules, request.guardOverride);
    switch (verdict.verdict) {
      case 'clear':
        return ok({ overridden: null });
      case 'overridden':
        return ok({ overridden: verdict.found });
      case 'warn':
      case 'block': {
        const action = verdict.verdict === 'warn' ? 'guard.warned' : 'guard.blocked';
        const refused = await deps.records.refusal(guardEvent(action, verdict.found, subject));
        if (refused !== null) return fail(appError(refused));
        return fail(
          appErrorWithIdentifiers(
            verdict.verdict === 'warn' ? 'IDENTIFIERS_FOUND' : 'IDENTIFIERS_BLOCKED',
            verdict.found,
          ),
        );
      }
    }
  };
}
