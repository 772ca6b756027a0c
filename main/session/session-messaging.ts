/**
 * Starts an unlocked clinician's messaging over their open vault and identity keys, wired to the
 * session: what it does is recorded in their name, what arrives raises a notice and recounts the
 * badge, and the server ending their session ends it here.
 */
import type { IdentityKeyPairs } from '../crypto/identity-keys';
import { createMessagingService, type MessagingService } from '../messaging/messaging-service';
import type { SessionEndReason } from '../server-link/feed-stream';
import type { OpenVault } from '../vault/vault-manager';
import { attachmentFiles } from '../attachments/attachment-files';
import type { ActiveSession } from './active-session';
import type { SessionDeps } from './session-contract';
import { actorOf } from './session-records';
import { byActor } from '../../shared/audit/audit-event-builder';
import { attachmentMedia } from '../attachments/attachment-media';
import { blobTransfer } from '../attachments/blob-transfer';
import { guardRulesFor } from '../../shared/text/identifier-guard/guard-verdict';
import { templatesOnlyFor } from '../../shared/policy/templates-only';
import { archiveSealing } from '../messaging/archive-sealing';

export type MessagingStarter = (
  session: ActiveSession,
  vault: OpenVault,
  identity: IdentityKeyPairs,
) => MessagingService;

/** A starter for `deps`; `serverEnded` ends the session when the feed says the server has. */
export function messagingStarter(deps: SessionDeps, serverEnded: (reason: SessionEndReason) => void): MessagingStarter {
  return (session, vault, identity) => {
    const server = deps.server;
    if (server === null) throw new Error('messaging without a server');
    const messaging = createMessagingService({
      api: server.api,
      endpoint: server.endpoint,
      store: vault.store,
      token: () => session.server.token(),
      identity,
      self: session.signedIn.account,
      deviceId: session.deviceId,
      audit: (event) => deps.audit.record(byActor(actorOf(session), event)),
      identifierGuard: guardRulesFor(deps.policy, session.signedIn.account.role),
      attachments: {
        policy: () => deps.policy,
        media: attachmentMedia,
        blobs: blobTransfer(server.blobs, () => session.server.token()),
        files: attachmentFiles(vault.attachmentsDir),
        downloadsDir: deps.downloadsDir,
      },
      templatesOnly: templatesOnlyFor(deps.policy, session.signedIn.account.role),
      archive: archiveSealing(deps.policy.archivePublicKey, session.signedIn.archive),
      retentionDays: deps.policy.messageRetentionDays,
      now: deps.now,
      onConnection: deps.events.connection,
      onListChanged: () => {
        deps.events.listChanged();
        session.badge.refresh();
      },
      onThreadChanged: deps.events.threadChanged,
      onIncoming: (senderName, priority) => session.badge.incoming(senderName, priority),
      onAwaitingAcknowledgement: (count) => session.badge.awaitingAcknowledgement(count),
      ownAvailability: session.availability,
      onSessionEnded: serverEnded,
      ...(deps.onCommandsPending ? { onCommandsPending: deps.onCommandsPending } : {}),
      onRejected: (reason) => deps.logger.warn({ reason }, 'feed event rejected'),
      ...(deps.initialSyncWindowMs === undefined ? {} : { initialSyncWindowMs: deps.initialSyncWindowMs }),
    });
    messaging.start();
    return messaging;
  };
}
