/**
 * Reads the server endpoint from configuration: an https URL and the file of the CA to pin.
 * Anything else (http, a path, a missing or non-PEM CA file) is refused with a reason, so a
 * misconfigured workstation says so at start instead of trusting the wrong server.
 */
import { readFileSync } from 'node:fs';
import type { ServerEndpoint } from './server-endpoint';
import type { Result } from '../../shared/result';

export type ServerConfigError = 'SERVER_URL_INVALID' | 'CA_FILE_UNREADABLE' | 'CA_FILE_INVALID';

/** The CA comes as a file to read (`caFile`) or as PEM text already read (`caPem`, e.g. from policy). */
export function readServerEndpoint(
  input: { url: string; caFile: string } | { url: string; caPem: string },
): Result<ServerEndpoint, ServerConfigError> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return { ok: false, error: 'SERVER_URL_INVALID' };
  }
  if (
    url.protocol !== 'https:' ||
    url.username !== '' ||
    url.password !== '' ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search !== ''
  ) {
    return { ok: false, error: 'SERVER_URL_INVALID' };
  }
  let caPem: string;
  if ('caPem' in input) caPem = input.caPem;
  else {
    try {
      caPem = readFileSync(input.caFile, 'utf8');
    } catch {
      return { ok: false, error: 'CA_FILE_UNREADABLE' };
    }
  }
  if (!/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\r?\n-----END CERTIFICATE-----\s*$/.test(caPem.trim() + '\n')) {
    return { ok: false, error: 'CA_FILE_INVALID' };
  }
  return { ok: true, value: { url: url.origin, caPem } };
}
