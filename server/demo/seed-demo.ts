/**
 * Seeds the demo directory into an empty database: each demo person gets a random password and
 * a pre-enrolled TOTP secret, written to `<dataDir>/demo-accounts.json` (mode 0600) so someone
 * can sign in. Demo only: a real deployment never writes passwords anywhere.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '../../shared/access/permission-matrix';
import type { NewAccount } from '../accounts/account-admin';
import { newTotpSecret } from '../accounts/totp';
import type { Queryable } from '../db/database';
import type { RoleAddress } from '../directory/role-address-store';
import { DEMO_PEOPLE, DEMO_ROLE_ADDRESSES } from './demo-directory';
import { anyAccountExists } from '../accounts/account-store';

export const DEMO_ACCOUNTS_FILE = 'demo-accounts.json';

export interface DemoAccount {
  readonly userId: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly role: Role;
  readonly displayName: string;
}

export interface DemoSeedTarget {
  readonly db: Queryable;
  createAccount(input: NewAccount): Promise<void>;
  createRoleAddress(input: RoleAddress & { readonly members: readonly string[] }): Promise<void>;
}

/** Readable and long enough: 4 groups of 4 from an unambiguous alphabet (~80 bits). */
function demoPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const characters = Array.from({ length: 16 }, () => alphabet.charAt(randomInt(alphabet.length)));
  return [0, 4, 8, 12].map((start) => characters.slice(start, start + 4).join('')).join('-');
}

/** Seeds only a database with no accounts at all; returns the accounts, or null if it did nothing. */
export async function seedDemo(dataDir: string, target: DemoSeedTarget): Promise<DemoAccount[] | null> {
  if (await anyAccountExists(target.db)) return null;
  const accounts: DemoAccount[] = [];
  for (const person of DEMO_PEOPLE) {
    const account: DemoAccount = {
      userId: person.userId,
      password: demoPassword(),
      totpSecret: newTotpSecret(),
      role: person.role,
      displayName: person.displayName,
    };
    await target.createAccount({ ...person, password: account.password, totpSecret: account.totpSecret });
    accounts.push(account);
  }
  for (const address of DEMO_ROLE_ADDRESSES) await target.createRoleAddress(address);
  await writeFile(path.join(dataDir, DEMO_ACCOUNTS_FILE), `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  return accounts;
}
