/**
 * One signed-in session with the server: the current access token, refreshed before it expires
 * with a fresh device proof (a stolen token alone dies within minutes), and ended with the
 * server when the clinician signs out.
 */
import { ACCESS_TOKEN_TTL_MS } from '../../shared/protocol/auth';
import type { Session } from '../../shared/protocol/api';
import type { ApiClient } from '../server-link/api-client';
import type { DeviceProof } from '../../shared/protocol/auth';

export interface ServerSessionDeps {
  readonly api: ApiClient;
  readonly session: Session;
  readonly refreshProof: (sessionId: string) => Promise<DeviceProof>;
  readonly now: () => number;
  /** The server no longer accepts this session (revoked, expired, deactivated). */
  readonly onEnded: () => void;
}

export interface ServerSession {
  readonly sessionId: string;
  token(): string | null;
  /** Starts the refresh timer. */
  start(): void;
  /** Revokes the session on the server (best effort) and forgets the token. */
  end(): Promise<void>;
  /** Forgets the token without telling the server (it already ended the session). */
  drop(): void;
}

/** Refresh this long before expiry, so a slow network never lets the token lapse. */
const REFRESH_MARGIN_MS = Math.min(2 * 60 * 1000, ACCESS_TOKEN_TTL_MS / 3);
const RETRY_MS = 15_000;

export function createServerSession(deps: ServerSessionDeps): ServerSession {
  let token: string | null = deps.session.token;
  let expiresAt = deps.session.expiresAt;
  let timer: NodeJS.Timeout | null = null;
  const currentToken = () => token;

  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  function schedule(delayMs: number) {
    clear();
    timer = setTimeout(() => void refresh(), Math.max(0, delayMs));
    timer.unref();
  }

  async function refresh() {
    if (token === null) return;
    let proof: DeviceProof;
    try {
      proof = await deps.refreshProof(deps.session.sessionId);
    } catch {
      // The device key is closed (the app is shutting down): nothing left to refresh.
      return;
    }
    const result = await deps.api.call('refresh', { proof }, token);
    // end() may have run while the refresh was in flight.
    if (currentToken() === null) return;
    if (result.ok) {
      token = result.value.token;
      expiresAt = result.value.expiresAt;
      schedule(expiresAt - REFRESH_MARGIN_MS - deps.now());
    } else if (result.error.code === 'UNAUTHENTICATED' || result.error.code === 'DEVICE_PROOF_INVALID') {
      token = null;
      clear();
      deps.onEnded();
    } else {
      schedule(Math.min(RETRY_MS, Math.max(1000, expiresAt - deps.now())));
    }
  }

  return {
    sessionId: deps.session.sessionId,
    token: () => token,
    start() {
      schedule(expiresAt - REFRESH_MARGIN_MS - deps.now());
    },
    async end() {
      clear();
      const last = token;
      token = null;
      if (last !== null) await deps.api.call('logout', {}, last);
    },
    drop() {
      clear();
      token = null;
    },
  };
}
