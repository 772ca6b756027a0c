/**
 * Who may do what: the one place roles meet permissions. Main enforces it on every channel
 * (the router asks `roleHas`); the renderer may read it only to hide what a role cannot use.
 */
export const ROLES = ['nurse', 'physician', 'front-desk', 'it-admin', 'compliance-officer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Manage one's own session: sign out, lock, see own sessions. */
  'session.own',
  /** Read and send clinical messages. */
  'messages.use',
  /** Search and export the audit trail. */
  'audit.read',
  /** Deactivate accounts, wipe devices, set legal holds on the audit trail. */
  'admin.manage',
  /** Place and release legal holds on messages, and export a matter's held messages (issue 20). */
  'holds.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MATRIX: Readonly<Record<Role, readonly Permission[]>> = {
  nurse: ['session.own', 'messages.use'],
  physician: ['session.own', 'messages.use'],
  'front-desk': ['session.own', 'messages.use'],
  'it-admin': ['session.own', 'admin.manage'],
  'compliance-officer': ['session.own', 'audit.read', 'holds.manage'],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return MATRIX[role];
}

/**
 * Whether messages may be sent to someone of this role: the permission that lets a role send
 * (`messages.use`) is the one that lets it receive. A compliance officer or IT administrator
 * never opens a message view, so a message to them would only sit in a vault. The server refuses
 * such recipients (server/relay/envelope-rules.ts); compose refuses them first by the same rule.
 * Takes any text, since the server reads roles from its database.
 */
export function receivesMessages(role: string): boolean {
  return (ROLES as readonly string[]).includes(role) && roleHas(role as Role, 'messages.use');
}
