/**
 * `npm run demo:code -- <userId> [--data <dir>]`: prints the current authentication code of a
 * demo account, read from the demo server's `demo-accounts.json`. Demo only: real accounts
 * enroll their own authenticator app and nobody else ever sees their secret.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as OTPAuth from 'otpauth';

const { values, positionals } = parseArgs({
  options: { data: { type: 'string', default: path.join(os.homedir(), '.wardline-browser-host', 'server') } },
  allowPositionals: true,
});
const file = path.join(path.resolve(values.data), 'demo-accounts.json');
let accounts: { userId: string; password: string; totpSecret: string; role: string; displayName: string }[];
try {
  accounts = JSON.parse(readFileSync(file, 'utf8')) as typeof accounts;
} catch {
  process.stderr.write(`no demo accounts at ${file} (start the demo first: npm start)\n`);
  process.exit(2);
}
const wanted = positionals[0];
for (const account of accounts) {
  if (wanted !== undefined && account.userId !== wanted) continue;
  const code = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(account.totpSecret),
    period: 30,
    digits: 6,
  }).generate();
  process.stdout.write(
    `${account.userId.padEnd(20)} ${account.role.padEnd(19)} password: ${account.password}  code: ${code}\n`,
  );
}
