/**
 * Uploads and downloads of attachment blobs (shared/protocol/blob-api.ts): ciphertext only,
 * streamed both ways, over the same pinned TLS as the API client (api-client.ts) and with its
 * typed errors. The bytes given to `upload` go to the server exactly as given: encrypting them
 * is the caller's (main/messaging), so nothing here ever holds a key or a plaintext byte.
 *
 * - `upload` takes the whole ciphertext, or an iterable (or async iterable) of its pieces (with `size` when
 *   known, so the server can refuse an oversized blob before a byte is sent, and reserve only
 *   what it needs). It writes as fast as the connection takes it, and stops at once if the
 *   server answers early (a refusal).
 * - `download` answers the blob's size and its bytes as they arrive; a blob larger than the
 *   caller's `maxBytes` is refused (PAYLOAD_TOO_LARGE) before its body is read, and iterating
 *   throws a BlobTransferError if the bytes stop short, run long or the connection fails.
 *   `downloadBytes` collects them.
 */
import https from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import {
  BLOB_CONTENT_TYPE,
  BLOBS_PATH,
  blobId as blobIdSchema,
  blobPath,
  blobUploadResponse,
  type BlobUploadResponse,
} from '../../shared/protocol/blob-api';
import { complianceBlobPath } from '../../shared/protocol/message-hold-api';
import { CLIENT_VERSION_HEADER } from '../../shared/protocol/client-version';
import { errorResponse } from '../../shared/protocol/errors';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { appVersion } from '../core/app-version';
import type { ApiError, ApiErrorCode, ApiResult } from './api-client';
import { classifyTransportError, type ServerEndpoint } from './server-endpoint';

/** A JSON answer (the upload's, or any refusal) is small. */
const MAX_JSON_ANSWER_BYTES = 64 * 1024;
/** A transfer with no bytes moving for this long has failed; a large one may take as long as it keeps moving. */
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Iterating a download failed partway: the bytes so far are not the blob. */
export class BlobTransferError extends Error {
  constructor(readonly code: Extract<ApiErrorCode, 'UNREACHABLE' | 'BAD_RESPONSE'>) {
    super(`The attachment transfer failed (${code}).`);
    this.name = 'BlobTransferError';
  }
}

export interface BlobDownload {
  /** The blob's size in bytes, as the server announced it (at most the caller's `maxBytes`). */
  readonly size: number;
  /** Its bytes, once: exactly `size` of them, or the iteration throws a BlobTransferError. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

export interface BlobClient {
  /**
   * Uploads ciphertext; the server's blob id and size. An iterable source that throws rejects
   * with its own error (after the request is abandoned), and one whose bytes differ from the
   * declared `size` rejects too: both are the caller's, not the server's.
   */
  upload(
    ciphertext: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    token: string,
    options?: { readonly size?: number },
  ): Promise<ApiResult<BlobUploadResponse>>;
  /** `held`: a compliance officer's download of a blob a legal hold keeps (message-hold-api.ts). */
  download(
    blobId: string,
    token: string,
    options: { readonly maxBytes: number; readonly held?: boolean },
  ): Promise<ApiResult<BlobDownload>>;
  downloadBytes(blobId: string, token: string, options: { readonly maxBytes: number }): Promise<ApiResult<Uint8Array>>;
  /** Ends kept-alive connections. */
  close(): void;
}

export interface BlobClientOptions {
  readonly idleTimeoutMs?: number;
}

const failure = (code: ApiErrorCode, extra: Omit<ApiError, 'code'> = {}): ApiResult<never> => ({
  ok: false,
  error: { code, ...extra },
});

/** A small JSON body: the upload's answer, or the typed refusal of any status but 200. */
async function readJsonAnswer<T>(response: IncomingMessage, parse: (json: unknown) => T | null): Promise<ApiResult<T>> {
  const pieces: Buffer[] = [];
  let size = 0;
  try {
    for await (const piece of response as AsyncIterable<Buffer>) {
      size += piece.length;
      if (size > MAX_JSON_ANSWER_BYTES) return failure('BAD_RESPONSE');
      pieces.push(piece);
    }
  } catch (error) {
    return failure(classifyTransportError(error));
  }
  const status = response.statusCode ?? 0;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(pieces).toString('utf8'));
  } catch {
    return failure(status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE');
  }
  if (status === 200) {
    const value = parse(json);
    return value === null ? failure('BAD_RESPONSE') : { ok: true, value };
  }
  const refusal = errorResponse.safeParse(json);
  if (!refusal.success) return failure(status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE');
  const { error: code, retryAfterSeconds } = refusal.data;
  return failure(code, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
}

/** Resolves when the request can take more bytes, or when it never will (closed or failed). */
function writable(request: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off('drain', done);
      request.off('close', done);
      request.off('error', done);
      resolve();
    };
    request.on('drain', done);
    request.on('close', done);
    request.on('error', done);
  });
}

/** The bytes of a 200 answer, counted against the announced size as they come. */
async function* bodyOf(response: IncomingMessage, size: number): AsyncGenerator<Uint8Array> {
  let received = 0;
  try {
    for await (const piece of response as AsyncIterable<Buffer>) {
      received += piece.length;
      if (received > size) throw new BlobTransferError('BAD_RESPONSE');
      yield piece;
    }
  } catch (error) {
    if (error instanceof BlobTransferError) throw error;
    throw new BlobTransferError('UNREACHABLE');
  }
  if (received !== size) throw new BlobTransferError('BAD_RESPONSE');
}

const CONTENT_LENGTH = /^[0-9]{1,16}$/;

export function createBlobClient(endpoint: ServerEndpoint, options: BlobClientOptions = {}): BlobClient {
  const base = new URL(endpoint.url);
  const agent = new https.Agent({ ca: endpoint.caPem, keepAlive: true, ...TLS_OPTIONS, maxSockets: 4 });
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  function open(method: 'GET' | 'POST', path: string, headers: Record<string, string>): ClientRequest {
    const request = https.request({
      protocol: 'https:',
      hostname: base.hostname,
      port: base.port,
      path,
      method,
      headers: { ...headers, [CLIENT_VERSION_HEADER]: appVersion() },
      agent,
      timeout: idleTimeoutMs,
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    return request;
  }

  async function upload(
    ciphertext: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    token: string,
    uploadOptions: { readonly size?: number } = {},
  ): Promise<ApiResult<BlobUploadResponse>> {
    const whole = ciphertext instanceof Uint8Array;
    const declared = whole ? ciphertext.byteLength : uploadOptions.size;
    if (declared !== undefined && (!Number.isSafeInteger(declared) || declared <= 0))
      return failure('MALFORMED_REQUEST');
    const request = open('POST', BLOBS_PATH, {
      accept: 'application/json',
      authorization: `Bearer ${token}`,
      'content-type': BLOB_CONTENT_TYPE,
      ...(declared === undefined ? {} : { 'content-length': String(declared) }),
    });
    // Set from the request's events, read by the writing loop below.
    const state = { answered: false };
    const answer = new Promise<ApiResult<BlobUploadResponse>>((resolve) => {
      request.on('response', (response) => {
        state.answered = true;
        void readJsonAnswer(response, (json) => {
          const parsed = blobUploadResponse.safeParse(json);
          return parsed.success ? parsed.data : null;
        }).then(resolve);
      });
      // Once the server has answered, a failed write (it closed after refusing) is not the outcome.
      request.on('error', (error) => {
        if (!state.answered) resolve(failure(classifyTransportError(error)));
      });
    });

    const stopped = () => state.answered || request.destroyed;
    let written = 0;
    try {
      for await (const piece of whole ? [ciphertext] : ciphertext) {
        if (stopped()) break;
        written += piece.byteLength;
        if (declared !== undefined && written > declared) throw new RangeError('more bytes than the declared size');
        if (!request.write(piece)) await writable(request);
      }
      if (declared !== undefined && written < declared && !stopped())
        throw new RangeError('fewer bytes than the declared size');
      if (!stopped()) request.end();
    } catch (error) {
      request.destroy();
      await answer;
      throw error;
    }
    return answer;
  }

  async function download(
    id: string,
    token: string,
    { maxBytes, held = false }: { readonly maxBytes: number; readonly held?: boolean },
  ): Promise<ApiResult<BlobDownload>> {
    if (!blobIdSchema.safeParse(id).success) return failure('MALFORMED_REQUEST');
    const request = open('GET', held ? complianceBlobPath(id) : blobPath(id), {
      accept: BLOB_CONTENT_TYPE,
      authorization: `Bearer ${token}`,
    });
    let response: IncomingMessage;
    try {
      response = await new Promise<IncomingMessage>((resolve, reject) => {
        request.on('response', resolve);
        request.on('error', reject);
        request.end();
      });
    } catch (error) {
      return failure(classifyTransportError(error));
    }
    if (response.statusCode !== 200) return readJsonAnswer(response, (): BlobDownload | null => null);
    const announced = response.headers['content-length'];
    const size = announced !== undefined && CONTENT_LENGTH.test(announced) ? Number(announced) : null;
    if (size === null || response.headers['content-type'] !== BLOB_CONTENT_TYPE) {
      response.destroy();
      return failure('BAD_RESPONSE');
    }
    if (size > maxBytes) {
      response.destroy();
      return failure('PAYLOAD_TOO_LARGE');
    }
    return { ok: true, value: { size, chunks: bodyOf(response, size) } };
  }

  return {
    upload,
    download,
    async downloadBytes(id, token, downloadOptions) {
      const opened = await download(id, token, downloadOptions);
      if (!opened.ok) return opened;
      const bytes = new Uint8Array(opened.value.size);
      let offset = 0;
      try {
        for await (const piece of opened.value.chunks) {
          bytes.set(piece, offset);
          offset += piece.byteLength;
        }
      } catch (error) {
        if (error instanceof BlobTransferError) return failure(error.code);
        throw error;
      }
      return { ok: true, value: bytes };
    },
    close() {
      agent.destroy();
    },
  };
}
