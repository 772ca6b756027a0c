/**
 * Messages between the server and its password-hash worker. Secrets travel as transferred
 * buffers, so the only copy is the worker's, which zeroes it after use.
 */
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

export type PasswordHashResponse =
  | { readonly id: number; readonly ok: true; readonly op: 'hash'; readonly hash: string }
  | { readonly id: number; readonly ok: true; readonly op: 'verify'; readonly match: boolean }
  | { readonly id: number; readonly ok: true; readonly op: 'derive'; readonly key: ArrayBuffer }
  | { readonly id: number; readonly ok: false };
