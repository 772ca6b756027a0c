/**
 * The audit trail's three throughput goals, each against a baseline measured in the same run:
 *
 * 1. Durable appends to the device audit log (main/audit/device-audit-log.ts), driven as main
 *    drives it: PRODUCERS concurrent callers, each awaiting its append before issuing the next,
 *    on a real directory on disk (os.tmpdir(); the bench prints the filesystem). The log
 *    group-commits whatever arrived together: the group sizes it chose are read off its store
 *    worker's messages. BASELINE: the same rows (the same canonical text, 32-byte placeholder
 *    hashes) inserted into an unencrypted database of the same binding, same schema and pragmas
 *    (exclusive lock, WAL, synchronous FULL), in transactions of exactly those group sizes, on
 *    this thread, without hashing, chaining, zod checks or the worker. Interleaved rounds.
 * 2. Offline verification (server/audit/trail-verifier.ts) of a full export: 20 workstations'
 *    real BLAKE2b chains, Ed25519-signed batches of 500, a signed tree head per batch, built in
 *    setup the way the server builds them. BASELINE: BLAKE2b of each record's canonical text
 *    once (the irreducible cost of checking a chain). A stage table splits the verifier's time.
 * 3. Catch-up sync of RECORDS queued records from a real core (signed in through its router, so
 *    its device is registered) to a real server in a child process, on PGlite and PostgreSQL:
 *    `core.audit.syncNow()` until everything is acknowledged. BASELINE: a second registered
 *    device POSTs the same number of records, pre-chained and pre-signed in batches of 500,
 *    through the same API client and server, with the same knownTreeSize, without reading a
 *    log, checking acknowledgements, writing the witnessed head or deleting what was acked.
 *    Half of the baseline runs before the core's sync and half after, so both see the same
 *    table sizes on average.
 *
 * WARDLINE_BENCH_AUDIT_PARTS (default "append,verify,sync") picks the parts to run;
 * WARDLINE_BENCH_AUDIT_RECORDS (default 100000) sets the append and sync counts (the verified
 * export is twice that); WARDLINE_BENCH_AUDIT_DATABASES (default "pglite,postgres") picks the
 * servers for part 3; WARDLINE_BENCH_PROFILE=<dir> writes a CPU profile of the server child
 * during each sync.
 *
 * The parts live in bench/audit-trail/: append.ts, verification.ts, catch-up.ts (with its
 * raw-baseline.ts), over the shared workload in fixtures.ts and the instrumentation in probes.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendThroughput } from './audit-trail/append';
import { catchUp } from './audit-trail/catch-up';
import { PRODUCERS, RECORDS } from './audit-trail/fixtures';
import { verification, VERIFY_RECORDS } from './audit-trail/verification';
import type { Benchmark, Figure } from './bench-kit';

const PARTS = new Set(
  (process.env.WARDLINE_BENCH_AUDIT_PARTS ?? 'append,verify,sync').split(',').map((part) => part.trim()),
);
const DATABASES = (process.env.WARDLINE_BENCH_AUDIT_DATABASES ?? 'pglite,postgres')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is 'pglite' | 'postgres' => name === 'pglite' || name === 'postgres');

/** `df` of the directory the bench writes to: the disk the durable appends and servers land on. */
function diskOf(dir: string): string {
  try {
    const lines = execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n');
    const [device, type] = (lines[1] ?? '').split(/\s+/);
    return `${String(device)} (${String(type)})`;
  } catch {
    return 'unknown filesystem';
  }
}

export const benchmark: Benchmark = {
  name: 'audit-trail',
  description: `device audit log durable appends (${String(PRODUCERS)} producers) vs plain SQLite, verifyTrail over ${String(VERIFY_RECORDS)} records vs BLAKE2b alone, catch-up sync of ${String(RECORDS)} records vs raw POSTs`,
  async run() {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-audit-'));
    process.stdout.write(`working directory ${root} on ${diskOf(root)}\n`);
    try {
      const figures: Record<string, Figure> = {};
      if (PARTS.has('append')) Object.assign(figures, await appendThroughput(root));
      if (PARTS.has('verify')) Object.assign(figures, await verification());
      if (PARTS.has('sync')) for (const database of DATABASES) Object.assign(figures, await catchUp(database, root));
      figures.records = { value: RECORDS, unit: 'records', goal: null };
      return figures;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
