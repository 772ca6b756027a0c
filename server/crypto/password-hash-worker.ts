/**
 * Worker thread for Argon2id: hashing and verifying auth keys (`crypto_pwhash_str`) and, for
 * accounts the server creates itself (admin, demo), the client's password derivation. Each call
 * takes a tenth of a second or more of CPU and 64 MiB; here it never blocks the event loop that
 * serves every other request.
 */
import { parentPort } from 'node:worker_threads';
import type { PasswordHashAnswer, PasswordHashRequest, PasswordHashResponse } from './password-hash-protocol';
import { deriveArgon2id } from '../../shared/node/crypto/argon2id';
import { loadSodium, type Sodium } from '../../shared/node/crypto/sodium';
import { err, ok } from '../../shared/result';

const port = parentPort;
if (port === null) throw new Error('password-hash-worker runs only as a worker thread');

function run(sodium: Sodium, request: PasswordHashRequest): PasswordHashAnswer {
  switch (request.op) {
    case 'hash':
      try {
        return {
          op: 'hash',
          hash: sodium.crypto_pwhash_str(request.secret, request.opsLimit, request.memLimitBytes),
        };
      } finally {
        request.secret.fill(0);
      }
    case 'verify':
      try {
        return {
          op: 'verify',
          match: sodium.crypto_pwhash_str_verify(request.hash, request.secret),
        };
      } finally {
        request.secret.fill(0);
      }
    case 'derive': {
      try {
        return { op: 'derive', key: deriveArgon2id(sodium, request) };
      } finally {
        request.password.fill(0);
      }
    }
  }
}

port.on('message', (request: PasswordHashRequest) => {
  void loadSodium().then((sodium) => {
    let response: PasswordHashResponse;
    try {
      response = { id: request.id, ...ok(run(sodium, request)) };
    } catch {
      // libsodium's text says nothing useful to a client; the caller needs only the failure.
      response = { id: request.id, ...err('FAILED' as const) };
    }
    if (response.ok && response.value.op === 'derive') port.postMessage(response, [response.value.key]);
    else port.postMessage(response);
  });
});
