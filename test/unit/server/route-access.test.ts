/**
 * Who may call a route (server/http/route-access.ts): a session for session routes, the role's
 * permission for admin routes, and a proof of the person within five minutes for destructive ones.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, roleHas } from '../../../shared/access/permission-matrix';
import { routes } from '../../../shared/protocol/api';
import { REAUTHENTICATION_WINDOW_MS } from '../../../shared/protocol/route-spec';
import type { AuthenticatedSession } from '../../../server/accounts/session-store';
import { routeRefusal } from '../../../server/http/route-access';

const NOW = 1_800_000_000_000;
const sessionOf = (role: AuthenticatedSession['role'], authenticatedAt = NOW): AuthenticatedSession => ({
  sessionId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10',
  userId: 'someone',
  deviceId: '0f0e0d0c-0b0a-4909-8807-060504030201',
  role,
  authenticatedAt,
  commandsPending: false,
});

describe('route access', () => {
  it('lets anyone call an open route, and no one a session route without a session', () => {
    expect(routeRefusal(routes.health, null, NOW)).toBeNull();
    expect(routeRefusal(routes.feed, null, NOW)).toBe('UNAUTHENTICATED');
  });

  it('lets only roles with admin.manage call an admin route, whatever their proof', () => {
    for (const role of ROLES)
      expect(routeRefusal(routes.adminSearchAccounts, sessionOf(role), NOW), role).toBe(
        roleHas(role, 'admin.manage') ? null : 'FORBIDDEN',
      );
  });

  it('asks a destructive route for a proof of the person within five minutes, and none from the future', () => {
    const fresh = routes.adminDeactivate;
    expect(routeRefusal(fresh, sessionOf('it-admin', NOW - REAUTHENTICATION_WINDOW_MS), NOW)).toBeNull();
    expect(routeRefusal(fresh, sessionOf('it-admin', NOW - REAUTHENTICATION_WINDOW_MS - 1), NOW)).toBe(
      'REAUTHENTICATION_REQUIRED',
    );
    expect(routeRefusal(fresh, sessionOf('it-admin', NOW + 1000), NOW)).toBe('REAUTHENTICATION_REQUIRED');
    // An old proof is enough where nothing is destroyed.
    expect(routeRefusal(routes.adminUnlock, sessionOf('it-admin', 0), NOW)).toBeNull();
  });

  it('lets only roles that send messages call a department lead route (leading one is checked after)', () => {
    const lead = Object.entries(routes).filter(([, spec]) => spec.path.startsWith('/v1/lead/'));
    expect(lead.map(([name]) => name).sort()).toEqual([
      'leadCreateTemplate',
      'leadListTemplates',
      'leadSetTemplateRetired',
      'leadStatus',
      'leadUpdateTemplate',
    ]);
    for (const [name, spec] of lead) {
      expect('permission' in spec && spec.permission, name).toBe('messages.use');
      for (const role of ROLES)
        expect(routeRefusal(spec, sessionOf(role, 0), NOW), `${name} ${role}`).toBe(
          roleHas(role, 'messages.use') ? null : 'FORBIDDEN',
        );
    }
  });

  it('marks every admin route with the permission, and the destructive ones fresh', () => {
    const admin = Object.entries(routes).filter(([, spec]) => spec.path.startsWith('/v1/admin/'));
    expect(admin.length).toBeGreaterThan(0);
    for (const [name, spec] of admin) expect('permission' in spec && spec.permission, name).toBe('admin.manage');
    const fresh = admin.filter(([, spec]) => 'fresh' in spec && spec.fresh).map(([name]) => name);
    expect(fresh.sort()).toEqual([
      'adminCreateAccount',
      'adminDeactivate',
      'adminEndSession',
      'adminEndSessions',
      'adminIssueEnrollment',
      // A SCIM token creates and disables accounts: issuing or revoking one is as destructive.
      'adminIssueScimToken',
      'adminResetMfa',
      'adminResetPassword',
      'adminRevokeScimToken',
      'adminRevokeWorkstation',
      // A role address's own retention bound: a shorter one deletes for good at the next run.
      'adminSetRoleRetention',
      'adminWipeUser',
      'adminWipeWorkstation',
    ]);
  });
});
