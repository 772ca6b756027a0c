import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, permissionsOf, receivesMessages, roleHas } from '../../../shared/access/permission-matrix';

describe('permission matrix', () => {
  it('lets every role manage its own session', () => {
    for (const role of ROLES) expect(roleHas(role, 'session.own')).toBe(true);
  });

  it('gives the audit trail to compliance officers only', () => {
    expect(ROLES.filter((role) => roleHas(role, 'audit.read'))).toEqual(['compliance-officer']);
  });

  it('gives administration to IT admins only', () => {
    expect(ROLES.filter((role) => roleHas(role, 'admin.manage'))).toEqual(['it-admin']);
  });

  it('keeps clinical messages away from IT and compliance roles', () => {
    expect(ROLES.filter((role) => roleHas(role, 'messages.use'))).toEqual(['nurse', 'physician', 'front-desk']);
  });

  it('sends messages only to roles that take part in messaging: never to compliance or IT, nor to an unknown role', () => {
    expect(ROLES.filter((role) => receivesMessages(role))).toEqual(['nurse', 'physician', 'front-desk']);
    for (const role of ['', 'admin', 'Nurse', 'nurse ', '__proto__', 'constructor'])
      expect(receivesMessages(role)).toBe(false);
  });

  it('names only known permissions', () => {
    for (const role of ROLES) for (const permission of permissionsOf(role)) expect(PERMISSIONS).toContain(permission);
  });
});
