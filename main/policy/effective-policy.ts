/**
 * The policy in force and the server it names, as the app starts with them: the one sequence
 * the Electron glue and the policy commands share, so `--print-effective-policy` reports exactly
 * what Wardline would run with (a CA that cannot be read refuses the policy there too).
 */
import type { ServerEndpoint } from '../server-link/server-endpoint';
import { policyEndpoint } from './policy-endpoint';
import { loadPolicy, type PolicyLoad, type PolicySources } from './policy-loader';

export interface EffectivePolicy {
  readonly load: PolicyLoad;
  /** The server the policy names, or null (none named, or the policy refused). */
  readonly endpoint: ServerEndpoint | null;
}

export async function loadEffectivePolicy(sources: PolicySources): Promise<EffectivePolicy> {
  const load = await loadPolicy(sources);
  if (!load.ok) return { load, endpoint: null };
  const named = policyEndpoint(load.value.policy, load.value.location);
  return named.ok ? { load, endpoint: named.value } : { load: named, endpoint: null };
}
