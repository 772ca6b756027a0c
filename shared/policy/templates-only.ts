/**
 * Which roles may send only approved templates (machine policy `templatesOnlyRoles`): their names
 * separated by commas, from the roles that send messages. A front desk facing the public sends
 * the same few sentences all day; restricting it to templates keeps clinical detail and
 * identifiers out of what it can type. Main enforces it where a message is sent
 * (main/messaging/template-send.ts); the renderer only hides the free-text box.
 */
import { ROLES, receivesMessages, type Role } from '../access/permission-matrix';

/** The roles a policy value names, each once in the matrix's order, or null if it names anything else. */
export function parseTemplatesOnlyRoles(value: string): Role[] | null {
  const names = value
    .split(/[,;]/)
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const messaging = ROLES.filter(receivesMessages);
  if (names.length === 0 || !names.every((name) => (messaging as readonly string[]).includes(name))) return null;
  return messaging.filter((role) => names.includes(role));
}

/** Whether policy restricts this role to templates (a value that does not parse never reaches here: the policy is refused). */
export function templatesOnlyFor(policy: { readonly templatesOnlyRoles: string | null }, role: Role): boolean {
  return (
    policy.templatesOnlyRoles !== null && (parseTemplatesOnlyRoles(policy.templatesOnlyRoles) ?? []).includes(role)
  );
}
