/**
 * Child process for the kill -9 test: opens a vault and commits one message per transaction,
 * printing `committed <n>` only after each commit has returned. Killed mid-stream by the test.
 */
import { makeManager } from './vault-fixtures';
import { received } from './vault-records';

const [dataDir, wrapKeyHex] = process.argv.slice(2) as [string, string];
// Same machine secret location as the parent's manager, so this is the same workstation.
const { manager } = makeManager({ dataDir });
const opened = await manager.unlock('nurse.adams', new Uint8Array(Buffer.from(wrapKeyHex, 'hex')));
if (!opened.ok) {
  process.stdout.write(`failed ${opened.error}\n`);
  process.exit(1);
}
for (let i = 0; ; i += 1) {
  await opened.value.store.call('message.receive', received(i));
  process.stdout.write(`committed ${String(i + 1)}\n`);
}
