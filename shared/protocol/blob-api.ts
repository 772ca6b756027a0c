/**
 * Attachment blobs (issue 19): opaque ciphertext a workstation uploads before it sends the
 * message that names them. The server never sees a key or a plaintext byte: the file's key,
 * size, type and hash travel inside the sealed body; the signed header lists only the blob ids
 * (envelope.ts `attachments`), which is how a send links them to its message.
 *
 * These two routes carry raw bytes (`application/octet-stream`), not JSON, so they sit beside
 * the JSON route table (api.ts) rather than in it; the server registers them apart
 * (server/blobs/blob-routes.ts) under the same session and permission rules (`BLOB_ACCESS`).
 *
 * - `POST /v1/blobs`: the body is the ciphertext. Answers `{ blobId, size }` (a server-made UUID).
 *   PAYLOAD_TOO_LARGE as soon as a declared `content-length` is over the server's maximum, and
 *   on the bytes themselves if they run past it; BLOB_QUOTA_EXCEEDED when the caller already
 *   has too many blobs (or bytes) not yet sent with a message.
 * - `GET /v1/blobs/<blobId>`: the bytes, with `content-length`. NOT_FOUND for a blob the caller
 *   may not read, exactly as for one that does not exist.
 */
import { z } from 'zod';
import { uuid } from './identifiers';
import type { RouteSpec } from './route-spec';

export const BLOB_CONTENT_TYPE = 'application/octet-stream';
export const BLOBS_PATH = '/v1/blobs';

export const blobId = uuid;

/** Most blobs one message names. */
export const MAX_ATTACHMENTS = 10;

/** The server's default maximum blob size (a server option may lower or raise it). */
export const DEFAULT_MAX_BLOB_BYTES = 100 * 1024 * 1024;

/** Who may upload and download: a live session whose role takes part in messaging. */
export const BLOB_ACCESS = {
  auth: 'session',
  permission: 'messages.use',
} as const satisfies Pick<RouteSpec, 'auth' | 'permission'>;

export function blobPath(id: string): `/v1/blobs/${string}` {
  return `${BLOBS_PATH}/${id}`;
}

export const blobUploadResponse = z.strictObject({
  blobId,
  size: z.number().int().positive(),
});
export type BlobUploadResponse = z.infer<typeof blobUploadResponse>;
