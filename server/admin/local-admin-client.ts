/**
 * How local tools reach the running server's local admin endpoint (local-admin.ts): the address
 * and token from the data folder, the server's own CA from its TLS folder. Null when no server
 * runs on this data folder (no endpoint file, or a stale one a killed server left behind), so the
 * tool opens the database itself.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { TLS_DIRECTORY } from '../tls/tls-files';
import { readLocalAdmin } from './local-admin';

export interface LocalAnswer {
  readonly status: number;
  readonly text: string;
}

const MAX_ANSWER_BYTES = 512 * 1024 * 1024;

export async function callLocalAdmin(
  dataDir: string,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<LocalAnswer | null> {
  const endpoint = readLocalAdmin(dataDir);
  if (endpoint === null) return null;
  const caPem = readFileSync(path.join(dataDir, TLS_DIRECTORY, 'ca-cert.pem'), 'utf8');
  try {
    return await send(new URL(route, endpoint.url), method, endpoint.token, caPem, body);
  } catch (error) {
    // A server that stopped without removing its file (killed) leaves a stale address.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return null;
    throw error;
  }
}

function send(target: URL, method: 'GET' | 'POST', token: string, caPem: string, body: unknown): Promise<LocalAnswer> {
  const payload = body === undefined ? null : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      target,
      {
        method,
        ca: caPem,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === null
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
        },
        ...TLS_OPTIONS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) request.destroy(new Error('local admin answer too large'));
          else chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload ?? undefined);
  });
}
