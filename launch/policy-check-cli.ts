/**
 * `npm run policy:check -- <policy.json>` checks a policy file; `npm run policy:check --
 * --print-effective-policy` prints this computer's effective policy. The same commands as
 * `wardline --check-policy` and `wardline --print-effective-policy` (main/policy/policy-command.ts).
 */
import { policyCommandOf, runPolicyCommand, CHECK_FLAG } from '../main/policy/policy-command';

const args = process.argv.slice(2);
const first = args[0];
const argv = first !== undefined && !first.startsWith('--') ? [CHECK_FLAG, ...args] : args;
const command = policyCommandOf(argv) ?? { kind: 'usage' as const, problem: 'Name a policy file to check.' };
process.exitCode = await runPolicyCommand(command, {
  platform: process.platform,
  // Run from the sources: an unpackaged build, so --policy names the file to report as effective.
  packaged: false,
  argv,
  write: (text) => process.stdout.write(text),
});
