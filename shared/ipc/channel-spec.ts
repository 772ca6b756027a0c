/**
 * What the contract says about one channel: its request and response schemas, the permission it
 * needs, and its size limit. Apart from contract.ts so the modules that list channels by area
 * (admin-channels.ts) can name the shape without importing the contract that spreads them.
 */
import type { z } from 'zod';
import type { Permission } from '../access/permission-matrix';

export interface ChannelSpec {
  readonly request: z.ZodType;
  readonly response: z.ZodType;
  /** Permission the signed-in user's role must hold; `null` for channels usable signed out. */
  readonly permission: Permission | null;
  /** Largest accepted request, as serialized JSON bytes (default `DEFAULT_MAX_REQUEST_BYTES`). */
  readonly maxRequestBytes?: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024;
