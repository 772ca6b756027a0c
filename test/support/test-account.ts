/**
 * A clinician's account as tests and benchmarks create it on a real server: credentials the
 * test knows (password and a pre-enrolled TOTP secret) and directory details.
 */
import type { Role } from '../../shared/access/permission-matrix';
import { newTotpSecret } from '../../server/accounts/totp';

export interface TestAccount {
  readonly userId: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly role: Role;
  readonly displayName: string;
  readonly department: string;
  readonly title: string;
}

export function account(
  userId: string,
  role: Role,
  displayName: string,
  department = 'Cardiology',
  title = 'Staff',
): TestAccount {
  return {
    userId,
    role,
    displayName,
    department,
    title,
    password: `pw-${userId}-correct horse`,
    totpSecret: newTotpSecret(),
  };
}
