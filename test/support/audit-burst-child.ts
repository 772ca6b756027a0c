/**
 * Child process for the audit kill test: the real main-process core on a workstation's data
 * folder, talking to the test's server, recording a burst of audited actions while the core's
 * own sync runs in the background. Killed with SIGKILL at random points by the test.
 *
 *   node --import tsx audit-burst-child.ts <dataDir> <serverUrl> <userId> <burst|final>
 *   (the server's CA PEM in WARDLINE_TEST_CA_PEM)
 *
 * Prints, one line each:
 * - `ready <lastSeq> <ackedSeq>`: the device log is open (the state is informative only: the
 *   core's own `policy.loaded` record races it);
 * - `committed <seq>`: that record's append has resolved (it is durable);
 * - `recorded`: a `core.audit.record` (whose seq it does not say) has resolved;
 * - `final <lastSeq> <ackedSeq> <pending> <verified>`: (final run) after syncing everything.
 */
import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createAppCore } from '../../main/core/app-core';
import { createMachineFileProtector } from '../../main/keys/device-protector';
import { createLogger } from '../../main/logging/logger';
import type { UnplacedRecord } from '../../main/audit/device-log-ops';
import { auditEvent } from '../../shared/audit/audit-event-builder';

const [dataDir, url, userId, mode] = process.argv.slice(2) as [string, string, string, string];
const caPem = process.env.WARDLINE_TEST_CA_PEM;
if (caPem === undefined || (mode !== 'burst' && mode !== 'final')) {
  process.stderr.write(
    'usage: audit-burst-child <dataDir> <serverUrl> <userId> <burst|final>, CA in WARDLINE_TEST_CA_PEM\n',
  );
  process.exit(2);
}

// A burst child is meant to be killed; should the test die first, it does not outlive it for long.
const orphanGuard = setTimeout(() => process.exit(3), 30_000);
if (mode === 'final') orphanGuard.unref();

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const core = createAppCore({
  dataDir,
  host: 'browser-host',
  environment: 'development',
  version: '0.0.0-test',
  trustedOrigin: 'app://wardline',
  logger: createLogger({ level: 'silent' }),
  device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
  allowUnprotectedDevice: false,
  server: { url, caPem },
  auditSyncBackoff: { initialMs: 50, maxMs: 500 },
});

// Opening the log is what a restarted workstation does first: it kicks the sync of whatever the
// previous run left unacknowledged.
const log = await core.audit.log();
const found = await log.state();
out(`ready ${found.lastSeq} ${found.ackedSeq}`);

const opened = (): UnplacedRecord => ({
  actor: { userId, role: 'nurse' },
  action: 'conversation.opened',
  object: { kind: 'conversation', id: randomUUID() },
  patient: null,
  at: Date.now(),
  outcome: 'success',
  reason: null,
});

if (mode === 'final') {
  for (let attempt = 1; ; attempt++) {
    const outcome = await core.audit.syncNow();
    if (outcome?.kind === 'synced' && (await log.pendingCount()) === 0) break;
    if (attempt >= 50) {
      out(`failed ${JSON.stringify(outcome)}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = await log.state();
  const verified = await log.verify();
  const pending = await log.pendingCount();
  await core.close();
  out(`final ${state.lastSeq} ${state.ackedSeq} ${pending} ${verified.ok ? 'verified' : JSON.stringify(verified)}`);
  process.exit(0);
}

// The burst: waves of concurrent actions, each wave a few dozen appends (placed by the log, so
// their sequence numbers are known) plus one action through `core.audit.record`, exactly as the
// app records one, which also kicks the core's background sync.
for (;;) {
  const wave: Promise<void>[] = [];
  const size = randomInt(1, 60);
  for (let i = 0; i < size; i++) wave.push(log.append(opened()).then(({ seq }) => out(`committed ${seq}`)));
  const { actor } = opened();
  const record = auditEvent({
    action: 'conversation.opened',
    actor,
    object: { kind: 'conversation', id: randomUUID() },
  });
  wave.push(core.audit.record(record).then(() => out('recorded')));
  await Promise.all(wave);
  await new Promise((resolve) => setTimeout(resolve, randomInt(0, 10)));
}
