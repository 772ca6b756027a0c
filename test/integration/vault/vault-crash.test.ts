/** kill -9 in the middle of a stream of transactions loses no committed message. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { floorKdf, makeManager, randomKey } from '../../support/vault-fixtures';
import { message } from '../../support/vault-records';
import { repoRoot } from '../../support/browser-host-process';

describe('vault durability', () => {
  it('keeps every committed message when the writer is killed with SIGKILL mid-transaction', async () => {
    const { manager, deps } = makeManager();
    const wrapKey = randomKey();
    const created = await manager.create('nurse.adams', wrapKey, floorKdf());
    if (!created.ok) throw new Error(created.error);
    await created.value.lock();

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'test/support/vault-writer-child.ts'),
        deps.dataDir,
        Buffer.from(wrapKey).toString('hex'),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let committed = 0;
    const killed = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const match of chunk.matchAll(/committed (\d+)/g)) committed = Math.max(committed, Number(match[1]));
      // Kill at a point chosen by the stream, while the next transaction is in flight.
      if (committed >= 300 && child.exitCode === null) child.kill('SIGKILL');
    });
    await killed;
    expect(child.signalCode).toBe('SIGKILL');
    expect(committed).toBeGreaterThanOrEqual(300);

    const reopened = await manager.unlock('nurse.adams', wrapKey);
    if (!reopened.ok) throw new Error(reopened.error);
    const count = await reopened.value.store.call('message.unreadCount', {});
    // Every acknowledged commit survived; at most the in-flight one may also have landed.
    expect(count).toBeGreaterThanOrEqual(committed);
    expect(count).toBeLessThanOrEqual(committed + 1);
    // And each reads back whole: the messages committed, in order, each with its own text.
    const stored = await reopened.value.store.call('message.thread', {
      conversationId: message(0).conversationId,
      before: null,
      limit: count + 10,
    });
    expect(stored.map((m) => [m.id, m.body])).toEqual(
      Array.from({ length: count }, (_, i) => [message(i).id, message(i).body]),
    );
    await reopened.value.lock();
  });
});
