/**
 * The server a policy names, with its pinned CA (a PEM file's path, base64 DER, or PEM text: see
 * ca-certificate-value.ts). A CA that cannot be read or is not a certificate makes the policy
 * invalid, like any other bad value: the workstation never falls back to another server.
 */
import { X509Certificate } from 'node:crypto';
import { caCertificateForm } from '../../shared/policy/ca-certificate-value';
import type { Policy } from '../../shared/policy/policy-schema';
import { readServerEndpoint } from '../server-link/server-config';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import { err, ok, type Result } from '../../shared/result';
import { policyRefusal, type PolicyLoadError } from './policy-loader';

const NOT_A_CA = 'not a certificate';

/** The server named (null: none), or why the policy is refused after all. */
export type PolicyEndpoint = Result<ServerEndpoint | null, PolicyLoadError>;

export function policyEndpoint(policy: Policy, location: string | null): PolicyEndpoint {
  if (policy.serverUrl === null || policy.caCertificate === null) return ok(null);
  const ca = caSource(policy.caCertificate);
  if (ca === null) return err(policyRefusal('POLICY_INVALID', location, [{ key: 'caCertificate', reason: NOT_A_CA }]));
  const read = readServerEndpoint({ url: policy.serverUrl, ...ca });
  if (read.ok) return ok(read.value);
  switch (read.error) {
    case 'SERVER_URL_INVALID':
      return err(policyRefusal('POLICY_INVALID', location, [{ key: 'serverUrl', reason: 'not a server address' }]));
    case 'CA_FILE_UNREADABLE':
      return err(
        policyRefusal('POLICY_UNREADABLE', location, [{ key: 'caCertificate', reason: 'the file cannot be read' }]),
      );
    case 'CA_FILE_INVALID':
      return err(policyRefusal('POLICY_INVALID', location, [{ key: 'caCertificate', reason: NOT_A_CA }]));
  }
}

/** The CA as a file to read or PEM text; null when base64 DER is not a certificate. */
function caSource(value: string): { caFile: string } | { caPem: string } | null {
  switch (caCertificateForm(value)) {
    case 'pem':
      return { caPem: value };
    case 'der-base64':
      try {
        return { caPem: new X509Certificate(Buffer.from(value.trim(), 'base64')).toString() };
      } catch {
        return null;
      }
    case 'path':
      return { caFile: value.trim() };
    case null:
      return null;
  }
}
