/**
 * Messages between the server and its password-hash worker. Secrets travel as transferred
 * buffers, so the only copy is the worker's, which zeroes it after use.
 */
import type { Result } from '../../shared/result';

export type PasswordHashRequest =
  | {
      readonly id: number;
      readonly op: 'hash';
      readonly secret: Uint8Array;
      readonly opsLimit: number;
      readonly memLimitBytes: number;
    }
  | { readonly id: number; readonly op: 'verify'; readonly hash: string; readonly secret: Uint8Array }
  | {
      readonly id: number;
      readonly op: 'derive';
      readonly password: Uint8Array;
      readonly salt: Uint8Array;
      readonly passes: number;
      readonly memoryMiB: number;
      readonly keyBytes: number;
    };

/** What one request computed, named by its op so the client can tell the answers apart. */
export type PasswordHashAnswer =
  | { readonly op: 'hash'; readonly hash: string }
  | { readonly op: 'verify'; readonly match: boolean }
  | { readonly op: 'derive'; readonly key: ArrayBuffer };

/** The request's id beside its result; a failure carries only its code, never libsodium's text. */
export type PasswordHashResponse = { readonly id: number } & Result<PasswordHashAnswer, 'FAILED'>;
