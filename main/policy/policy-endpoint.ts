/**
 * The server a policy names, with its pinned CA (PEM text in the policy, or the path of a PEM
 * file). A CA that cannot be read or is not a certificate makes the policy invalid, like any
 * other bad value: the workstation never falls back to another server.
 */
import type { Policy } from '../../shared/policy/policy-schema';
import { readServerEndpoint } from '../server-link/server-config';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import { err, ok, type Result } from '../../shared/result';
import type { PolicyLoadError } from './policy-loader';

/** The server named (null: none), or why the policy is refused after all. */
export type PolicyEndpoint = Result<ServerEndpoint | null, PolicyLoadError>;

export function policyEndpoint(policy: Policy, location: string | null): PolicyEndpoint {
  if (policy.serverUrl === null || policy.caCertificate === null) return ok(null);
  const ca = policy.caCertificate.trimStart().startsWith('-----BEGIN')
    ? { caPem: policy.caCertificate }
    : { caFile: policy.caCertificate };
  const read = readServerEndpoint({ url: policy.serverUrl, ...ca });
  if (read.ok) return ok(read.value);
  const keys = read.error === 'SERVER_URL_INVALID' ? ['serverUrl'] : ['caCertificate'];
  return err({ code: read.error === 'CA_FILE_UNREADABLE' ? 'POLICY_UNREADABLE' : 'POLICY_INVALID', keys, location });
}
