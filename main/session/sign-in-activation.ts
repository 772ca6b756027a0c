/**
 * From a password to a signed-in session. Owns the sign-in flow under way and the device
 * identity it proves this workstation with (loaded on first use), and turns a completed sign-in
 * into an active session: recorded first, then the PIN record loaded, the server session kept
 * fresh, and the unlocked scope opened with messaging running. A sign-in that cannot be recorded
 * is closed again unused. The steps with the server are sign-in-flow.ts.
 */
import os from 'node:os';
import { appError } from '../../shared/errors';
import { zeroIdentityKeys } from '../crypto/identity-keys';
import type { DeviceIdentityResult } from '../device/device-identity';
import { loginProof, refreshProof } from '../device/device-proof';
import type { ActiveSession } from './active-session';
import { createBadgeCounter } from './badge-counter';
import { createServerSession } from './server-session';
import type { SessionDeps } from './session-contract';
import type { MessagingStarter } from './session-messaging';
import { createSessionPin, loadPinRecord } from './session-pin';
import { createSignInFlow, type SignedIn, type SignInFlow } from './sign-in-flow';
import { openUnlockedScope } from './unlocked-scope';
import { auditEvent } from '../../shared/audit/audit-event-builder';
import type { IpcResult } from '../../shared/ipc/result';
import { createOwnAvailability } from '../messaging/availability';
import { noticeHeldBack } from '../notifications/do-not-disturb';

export interface SignInActivationHooks {
  readonly startMessaging: MessagingStarter;
  /** The server no longer accepts the session (`reason` for the log only). */
  readonly serverEnded: (reason: string) => void;
  /** Whether `session` is still the one signed in here (a recount for one since gone is dropped). */
  readonly isCurrent: (session: ActiveSession) => boolean;
}

export interface SignInActivation {
  /** The flow for a new sign-in, loading the device identity first if need be. */
  ready(): Promise<IpcResult<SignInFlow>>;
  /** The flow under way (or the last one), for the second factor. */
  readonly flow: SignInFlow | null;
  cancel(): void;
  /** Makes a completed sign-in the active session, or closes what it opened if it cannot be recorded. */
  activate(signedIn: SignedIn): Promise<IpcResult<ActiveSession>>;
  /** Forgets the device identity (the core owns it, and closes it) and the flow that proves with it. */
  forgetDevice(): void;
}

type Device = Extract<DeviceIdentityResult, { ok: true }>['value'];

export function createSignInActivation(deps: SessionDeps, hooks: SignInActivationHooks): SignInActivation {
  let device: Device | null = null;
  let flow: SignInFlow | null = null;

  /** Closes what a completed sign-in opened, for one refused before it was used. */
  async function discard(signedIn: SignedIn): Promise<void> {
    await signedIn.vault.lock();
    await zeroIdentityKeys(signedIn.identity);
    signedIn.unlock.wrapKey.fill(0);
    await deps.server?.api.call('logout', {}, signedIn.session.token);
  }

  function logTimings(signedIn: SignedIn): void {
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const spent = signedIn.timings;
    const account = signedIn.session.account;
    deps.logger.info(
      {
        userId: account.userId,
        role: account.role,
        timingsMs: {
          server: round(spent.server),
          kdf: round(spent.kdf),
          identity: round(spent.identity),
          vault: round(spent.vault),
        },
      },
      'signed in',
    );
  }

  return {
    get flow() {
      return flow;
    },

    async ready() {
      if (deps.server === null) return { ok: false, error: appError('NO_SERVER_CONFIGURED') };
      if (device === null) {
        const loaded = await deps.deviceIdentity();
        if (!loaded.ok) {
          deps.logger.error({ code: loaded.error }, 'device identity unusable');
          return {
            ok: false,
            error: appError(
              loaded.error === 'DEVICE_PROTECTION_UNAVAILABLE'
                ? 'DEVICE_PROTECTION_UNAVAILABLE'
                : 'DEVICE_IDENTITY_UNUSABLE',
            ),
          };
        }
        device = loaded.value;
      }
      const signer = device;
      flow ??= createSignInFlow({
        api: deps.server.api,
        vaults: deps.vaults,
        device: { publicKey: signer.publicKey, loginProof: (userId) => loginProof(signer, userId, deps.now()) },
        deviceName: deps.deviceName ?? deps.policy.workstationName ?? os.hostname().slice(0, 200),
        derive: deps.derive,
        now: deps.now,
        mfaRequired: deps.policy.mfaRequired,
        kdfFloor: { memoryMiB: deps.policy.kdfMemoryMiB, passes: deps.policy.kdfPasses },
        onProgress: deps.events.progress,
      });
      return { ok: true, value: flow };
    },

    cancel() {
      flow?.cancel();
    },

    async activate(signedIn) {
      const signer = device;
      if (deps.server === null || signer === null) throw new Error('activate without server or device');
      const api = deps.server.api;
      const account = signedIn.session.account;
      // Recorded before anything of the clinician's becomes reachable: messaging, the feed and the
      // server session start only after it, and the renderer hears of the sign-in after that.
      try {
        await deps.audit.record(
          auditEvent({ action: 'sign-in.succeeded', actor: { userId: account.userId, role: account.role } }),
        );
      } catch {
        // Nobody gets in unrecorded: what the sign-in opened is closed again, unused.
        deps.logger.error({ userId: account.userId }, 'sign-in could not be recorded; refused');
        await discard(signedIn);
        return { ok: false, error: appError('AUDIT_UNAVAILABLE') };
      }
      const { wrapKey, ...unlock } = signedIn.unlock;
      const pin = await loadPinRecord(signedIn.vault.store);
      const session: ActiveSession = {
        account: { userId: account.userId, displayName: account.displayName, role: account.role },
        signedIn: signedIn.session,
        deviceId: signer.deviceId,
        server: createServerSession({
          api,
          session: signedIn.session,
          refreshProof: (sessionId) => refreshProof(signer, sessionId, deps.now()),
          now: deps.now,
          onEnded: () => hooks.serverEnded('expired'),
        }),
        unlock,
        pin: createSessionPin({ derive: deps.derive, policy: deps.policy, unlock }, pin),
        badge: createBadgeCounter({
          content: deps.policy.notificationContent,
          notify: deps.events.notify,
          badge: deps.events.badge,
          heldBack: (priority) => noticeHeldBack(priority, session.availability.current(), deps.now()),
          unreadCount: () =>
            hooks.isCurrent(session) && session.scope !== null
              ? session.scope.use((messaging) => messaging.unreadCount())
              : null,
        }),
        availability: createOwnAvailability(),
        scope: null,
        watch: null,
      };
      session.scope = openUnlockedScope({
        messaging: hooks.startMessaging(session, signedIn.vault, signedIn.identity),
        vault: signedIn.vault,
        identity: signedIn.identity,
        wrapKey,
      });
      session.server.start();
      logTimings(signedIn);
      return { ok: true, value: session };
    },

    forgetDevice() {
      // The flow holds the device too (its login proofs): both are made anew from the next identity.
      flow?.cancel();
      flow = null;
      device = null;
    },
  };
}
