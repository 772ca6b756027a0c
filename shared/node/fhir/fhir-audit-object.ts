/**
 * A record's object (what an audit record is about) as an AuditEvent entity, and back. BALP's
 * data entity (System Object) with a role that says what it is: told by an identifier, with
 * details for the kinds that carry more (a message's conversation, a search's result count, a
 * purge's bound, a SIEM destination's CA, a session's owner and end). Details are names of
 * numbers and ids, never text. The AuditEvent codec (fhir-audit-event.ts) checks exactness.
 */
import type { AuditEventEntity } from '@medplum/fhirtypes';
import type { AuditObject } from '../../audit/audit-event';
import { identifiersFoundFromText, identifiersFoundText } from '../../audit/identifiers-found';
import { AVAILABILITY_STATES } from '../../protocol/availability';
import { ok } from '../../result';
import {
  DETAIL,
  OBJECT_ENTITIES,
  ROLE_DATA_DESTINATION,
  ROLE_DRAFT,
  ROLE_PURGED_REPOSITORY,
  ROLE_QUERY,
  ROLE_SESSION,
  SYSTEM_OBJECT,
  WARDLINE_FHIR,
  WITH_USER_ENTITIES,
  type IdentifiedKind,
} from './fhir-codes';
import {
  decimal,
  detail,
  get,
  identifier,
  identifierValue,
  instant,
  parseInstant,
  problem,
  type Decoded,
} from './fhir-json';

export function objectEntity(object: AuditObject): AuditEventEntity | null {
  switch (object.kind) {
    case 'none':
      return null;
    case 'search':
      return {
        type: SYSTEM_OBJECT,
        role: ROLE_QUERY,
        detail: [{ type: DETAIL.resultCount, valueString: String(object.resultCount) }],
      };
    case 'message': {
      const { system, role } = OBJECT_ENTITIES.message;
      return {
        what: identifier(system, object.id),
        type: SYSTEM_OBJECT,
        role,
        detail: [{ type: DETAIL.conversation, valueString: object.conversationId }],
      };
    }
    case 'legal-hold':
    case 'role-address':
    case 'workstation': {
      const { system, role } = WITH_USER_ENTITIES[object.kind];
      return {
        what: identifier(system, object.id),
        type: SYSTEM_OBJECT,
        role,
        ...(object.userId === null ? {} : { detail: [{ type: DETAIL.userId, valueString: object.userId }] }),
      };
    }
    case 'audit-purge':
      // The trail itself, whose older content went: no identifier but the details.
      return {
        type: SYSTEM_OBJECT,
        role: ROLE_PURGED_REPOSITORY,
        detail: [
          { type: DETAIL.receivedBefore, valueString: instant(object.receivedBefore, 'object.receivedBefore') },
          { type: DETAIL.records, valueString: String(object.records) },
        ],
      };
    case 'message-retention':
      // The clinician's vault (the record's actor says whose), whose older messages went.
      return {
        type: SYSTEM_OBJECT,
        role: ROLE_PURGED_REPOSITORY,
        detail: [
          { type: DETAIL.retentionDays, valueString: String(object.days) },
          { type: DETAIL.removedBefore, valueString: instant(object.removedBefore, 'object.removedBefore') },
          { type: DETAIL.messagesRemoved, valueString: String(object.messages) },
          { type: DETAIL.attachmentsRemoved, valueString: String(object.attachments) },
          ...(object.roleAddress === undefined ? [] : [{ type: DETAIL.roleAddress, valueString: object.roleAddress }]),
          ...(object.roleAddressBounds === undefined
            ? []
            : [{ type: DETAIL.roleAddressBounds, valueString: String(object.roleAddressBounds) }]),
        ],
      };
    case 'siem-destination':
      return {
        what: identifier(WARDLINE_FHIR.siemDestinations, `${object.host}:${String(object.port)}`),
        type: SYSTEM_OBJECT,
        role: ROLE_DATA_DESTINATION,
        detail: [{ type: DETAIL.caSha256, valueString: object.caSha256 }],
      };
    case 'availability':
      // The account whose availability it is, with the state and the cover as details.
      return {
        what: identifier(OBJECT_ENTITIES.account.system, object.id),
        type: SYSTEM_OBJECT,
        role: OBJECT_ENTITIES.account.role,
        detail: [
          { type: DETAIL.availabilityState, valueString: object.state },
          ...(object.coverUserId === null ? [] : [{ type: DETAIL.coverUserId, valueString: object.coverUserId }]),
        ],
      };
    case 'session':
      return {
        what: identifier(WARDLINE_FHIR.sessionIds, object.id),
        type: SYSTEM_OBJECT,
        role: ROLE_SESSION,
        detail: [
          { type: DETAIL.userId, valueString: object.userId },
          { type: DETAIL.workstationId, valueString: object.workstationId },
          { type: DETAIL.until, valueString: instant(object.until, 'object.until') },
        ],
      };
    case 'identifiers':
      // The message had no id yet: what was found, and the conversation it was for.
      return {
        type: SYSTEM_OBJECT,
        role: ROLE_DRAFT,
        detail: [
          { type: DETAIL.identifiersFound, valueString: identifiersFoundText(object.found) },
          ...(object.conversationId === null
            ? []
            : [{ type: DETAIL.conversation, valueString: object.conversationId }]),
        ],
      };
    default: {
      const { system, role } = OBJECT_ENTITIES[object.kind];
      return { what: identifier(system, object.id), type: SYSTEM_OBJECT, role };
    }
  }
}

/** The inverse of objectEntity (no entity: no object); the problem names a field, never its value. */
export function decodeObject(entity: unknown): Decoded<AuditObject> {
  if (entity === undefined) return ok({ kind: 'none' });
  const identifiersFound = detail(entity, DETAIL.identifiersFound);
  if (identifiersFound !== undefined) {
    const found = identifiersFoundFromText(identifiersFound);
    if (found === null || get(entity, 'what') !== undefined) return problem('entity.detail.identifiersFound');
    // Checked against the catalogue by the record's schema, as every decoded field is.
    return ok({
      kind: 'identifiers',
      conversationId: detail(entity, DETAIL.conversation) ?? null,
      found,
    } as AuditObject);
  }
  if (get(entity, 'role', 'code') === ROLE_QUERY.code) {
    const resultCount = decimal(detail(entity, DETAIL.resultCount));
    return resultCount === undefined ? problem('entity.detail.resultCount') : ok({ kind: 'search', resultCount });
  }
  const retentionDays = detail(entity, DETAIL.retentionDays);
  if (retentionDays !== undefined) {
    const days = decimal(retentionDays);
    const removedBefore = parseInstant(detail(entity, DETAIL.removedBefore));
    const messages = decimal(detail(entity, DETAIL.messagesRemoved));
    const attachments = decimal(detail(entity, DETAIL.attachmentsRemoved));
    if (days === undefined || get(entity, 'what') !== undefined) return problem('entity.detail.retentionDays');
    if (removedBefore === undefined) return problem('entity.detail.removedBefore');
    if (messages === undefined) return problem('entity.detail.messagesRemoved');
    if (attachments === undefined) return problem('entity.detail.attachmentsRemoved');
    // Optional (server runs only); the record's schema checks the address's form.
    const roleAddress = detail(entity, DETAIL.roleAddress);
    const boundsText = detail(entity, DETAIL.roleAddressBounds);
    const roleAddressBounds = boundsText === undefined ? undefined : decimal(boundsText);
    if (boundsText !== undefined && roleAddressBounds === undefined) return problem('entity.detail.roleAddressBounds');
    return ok({
      kind: 'message-retention',
      days,
      removedBefore,
      messages,
      attachments,
      ...(roleAddress === undefined ? {} : { roleAddress }),
      ...(roleAddressBounds === undefined ? {} : { roleAddressBounds }),
    });
  }
  if (get(entity, 'role', 'code') === ROLE_PURGED_REPOSITORY.code && get(entity, 'what') === undefined) {
    const receivedBefore = parseInstant(detail(entity, DETAIL.receivedBefore));
    if (receivedBefore === undefined) return problem('entity.detail.receivedBefore');
    const records = decimal(detail(entity, DETAIL.records));
    return records === undefined
      ? problem('entity.detail.records')
      : ok({ kind: 'audit-purge', receivedBefore, records });
  }
  const destination = identifierValue(entity, WARDLINE_FHIR.siemDestinations);
  if (destination !== undefined) {
    const colon = destination.lastIndexOf(':');
    const port = decimal(destination.slice(colon + 1));
    const caSha256 = detail(entity, DETAIL.caSha256);
    if (colon < 1 || port === undefined) return problem('entity.what');
    return caSha256 === undefined
      ? problem('entity.detail.caSha256')
      : ok({ kind: 'siem-destination', host: destination.slice(0, colon), port, caSha256 });
  }
  const sessionId = identifierValue(entity, WARDLINE_FHIR.sessionIds);
  if (sessionId !== undefined) {
    const userId = detail(entity, DETAIL.userId);
    const workstationId = detail(entity, DETAIL.workstationId);
    const until = parseInstant(detail(entity, DETAIL.until));
    if (userId === undefined) return problem('entity.detail.userId');
    if (workstationId === undefined) return problem('entity.detail.workstationId');
    return until === undefined
      ? problem('entity.detail.until')
      : ok({ kind: 'session', id: sessionId, userId, workstationId, until });
  }
  const state = detail(entity, DETAIL.availabilityState);
  const accountId = identifierValue(entity, OBJECT_ENTITIES.account.system);
  if (state !== undefined && accountId !== undefined) {
    const known = AVAILABILITY_STATES.find((candidate) => candidate === state);
    return known === undefined
      ? problem('entity.detail.availabilityState')
      : ok({
          kind: 'availability',
          id: accountId,
          state: known,
          coverUserId: detail(entity, DETAIL.coverUserId) ?? null,
        });
  }
  for (const kind of ['legal-hold', 'role-address', 'workstation'] as const) {
    const id = identifierValue(entity, WITH_USER_ENTITIES[kind].system);
    if (id !== undefined) return ok({ kind, id, userId: detail(entity, DETAIL.userId) ?? null });
  }
  for (const kind of Object.keys(OBJECT_ENTITIES) as IdentifiedKind[]) {
    const id = identifierValue(entity, OBJECT_ENTITIES[kind].system);
    if (id === undefined) continue;
    if (kind !== 'message') return ok({ kind, id });
    const conversationId = detail(entity, DETAIL.conversation);
    return conversationId === undefined ? problem('entity.detail.conversationId') : ok({ kind, id, conversationId });
  }
  return problem('entity.what');
}
