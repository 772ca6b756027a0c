/**
 * Attachment round trip for a 10 MB photo, at the receiving main process, through the reference
 * server on PostgreSQL over loopback (server in its own process; both workstations' real cores in
 * this one, as the renderer drives them through the IPC router).
 *
 * ENCRYPTED, start to stop:
 *   start: A's core is handed the last byte of the file (`attachment.finish`).
 *   A: the photo's kind read from its bytes, re-encoded upright without metadata and thumbnailed
 *      (the sanitizing, timed apart as `sanitize_ms` in the same run), encrypted with secretstream
 *      under a fresh key as the upload reads it, uploaded as ciphertext and written to A's own
 *      attachment file; `message.send` seals the description and the outbox posts the envelope.
 *   server: stores the chunks, claims the blob for the message, pushes the envelope to B.
 *   B: opens the envelope, stores it, downloads the ciphertext while decrypting it, checks size
 *      and SHA-256, makes the thumbnail while writing the ciphertext to its attachment file
 *      (main/attachments/attachment-files.ts), and marks it ready in its vault.
 *   stop: B's core says the thread changed and the attachment opens (the stop is the event's time).
 * BASELINE: the same file's bytes (as A seals them) uploaded to the same server by the same blob
 *   client without encryption and read back in full: the bytes copied through the server.
 *
 * `ratio` = baseline / (encrypted − sanitize): the issue's path (encrypt, upload, fan out,
 * download, decrypt, thumbnail) against the plain copy. `ratio_with_sanitize` includes the
 * re-encode too. Goal: ratio ≥ 0.7.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attachmentMedia } from '../main/attachments/attachment-media';
import type { AppCore } from '../main/core/app-core';
import { createBlobClient } from '../main/server-link/blob-client';
import { ATTACHMENT_IPC_CHUNK_BYTES } from '../shared/ipc/attachment-channels';
import type { Thread } from '../shared/ipc/contract';
import { largePhoto } from '../test/support/attachment-fixtures';
import { startPostgres, type PostgresCluster } from '../test/support/postgres';
import type { Benchmark, Figure } from './bench-kit';
import { createBenchCore, dispatch, signIn } from './support/bench-core';
import type { ChildHandle } from './support/child-rpc';
import { benchAccount, deriveAccountKeys, signInRaw } from './support/clients';
import { startServerProcess } from './support/server-process';
import { median, percentile, round } from './support/stats';

const SAMPLES = Number(process.env.WARDLINE_BENCH_SAMPLES ?? 20);
const WARMUP = 2;

async function attach(core: AppCore, bytes: Uint8Array): Promise<{ draftId: string; finishMs: number }> {
  const { draftId } = (await dispatch(core, 'attachment.begin', {
    fileName: 'wound.jpg',
    mediaType: 'image/jpeg',
    size: bytes.length,
  })) as { draftId: string };
  for (let offset = 0; offset < bytes.length; offset += ATTACHMENT_IPC_CHUNK_BYTES)
    await dispatch(core, 'attachment.chunk', {
      draftId,
      offset,
      data: Buffer.from(bytes.subarray(offset, offset + ATTACHMENT_IPC_CHUNK_BYTES)).toString('base64'),
    });
  const started = performance.now();
  await dispatch(core, 'attachment.finish', { draftId });
  return { draftId, finishMs: started };
}

export const benchmark: Benchmark = {
  name: 'attachment-round-trip',
  description: `10 MB photo: A attaches and sends → B's main process holds it decrypted, checked and thumbnailed, through the server (PostgreSQL); ${String(SAMPLES)} samples, vs the same bytes copied through the server without encryption`,
  async run() {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-attach-'));
    const children: ChildHandle[] = [];
    let cluster: PostgresCluster | null = null;
    const cores: AppCore[] = [];
    try {
      cluster = await startPostgres();
      const databaseUrl = await cluster.createDatabase();
      const server = await startServerProcess({
        dataDir: path.join(root, 'server'),
        databaseUrl,
        onChild: (child) => children.push(child),
      });
      const sender = benchAccount('bench.nurse', 'nurse');
      const reader = benchAccount('bench.doctor', 'physician');
      // A person may hold 20 unsent blobs: the copies are spread over enough people.
      const copiers = Array.from({ length: Math.ceil((WARMUP + SAMPLES) / 15) }, (_, i) =>
        benchAccount(`bench.copier${String(i)}`, 'nurse'),
      );
      await server.createAccounts([sender, reader, ...copiers]);
      const a = createBenchCore(root, server.endpoint);
      const b = createBenchCore(root, server.endpoint);
      cores.push(a, b);
      await signIn(a, sender);
      await signIn(b, reader);
      const raws = [];
      for (const copier of copiers)
        raws.push(
          await signInRaw({
            endpoint: server.endpoint,
            account: copier,
            keys: await deriveAccountKeys(server.endpoint, copier),
            dataDir: root,
          }),
        );
      const blobs = createBlobClient(server.endpoint);

      // About 10 MB as a phone writes it (4400×3300, noisy like a photo).
      const photo = await largePhoto(4400, 3300);
      const prepared = await attachmentMedia.prepare(photo, 'jpeg');
      if (prepared === 'unreadable') throw new Error('fixture unreadable');

      // B: the time of each thread change, to find the one after which the attachment opens.
      let changes: number[] = [];
      b.onEvent((name) => {
        if (name === 'thread.changed') changes.push(performance.now());
      });

      let conversationId: string | null = null;
      const encrypted: number[] = [];
      const sanitize: number[] = [];
      const baseline: number[] = [];
      for (let i = 0; i < WARMUP + SAMPLES; i += 1) {
        // Encrypted.
        changes = [];
        const { draftId, finishMs } = await attach(a, photo);
        const request = {
          text: '',
          priority: 'routine' as const,
          expiresInSeconds: null,
          attachments: [draftId],
        };
        const sent = (await dispatch(
          a,
          'message.send',
          conversationId === null
            ? { ...request, to: [{ kind: 'user', userId: reader.userId }], title: null }
            : { ...request, conversationId },
        )) as { conversationId: string; messageId: string };
        conversationId = sent.conversationId;
        let stop: number | null = null;
        let attachmentId: string | null = null;
        for (let seen = 0; stop === null;) {
          while (changes.length <= seen) await new Promise((resolve) => setTimeout(resolve, 2));
          const at = changes[seen]!;
          seen += 1;
          if (attachmentId === null) {
            const thread = (await dispatch(b, 'conversation.open', { conversationId, again: true })) as Thread;
            attachmentId = thread.messages.find((m) => m.id === sent.messageId)?.attachments[0]?.id ?? null;
            if (thread.messages.find((m) => m.id === sent.messageId)?.attachments[0]?.state === 'ready') stop = at;
            continue;
          }
          const opened = await b.router.dispatch(
            'attachment.open',
            { messageId: sent.messageId, attachmentId },
            { url: 'app://wardline/index.html', isTopFrame: true },
          );
          if ((opened as { ok: boolean }).ok) stop = at;
        }
        // The same re-encode, timed alone on the same bytes.
        const sanitizeStarted = performance.now();
        await attachmentMedia.prepare(photo, 'jpeg');
        const sanitizeMs = performance.now() - sanitizeStarted;

        // Baseline: the prepared bytes copied through the server in the clear.
        const token = raws[Math.floor(i / 15)]?.server.token() ?? null;
        if (token === null) throw new Error('no token');
        const copyStarted = performance.now();
        const uploaded = await blobs.upload(prepared.bytes, token);
        if (!uploaded.ok) throw new Error(uploaded.error.code);
        const copied = await blobs.downloadBytes(uploaded.value.blobId, token, { maxBytes: prepared.bytes.length });
        if (!copied.ok || copied.value.length !== prepared.bytes.length) throw new Error('copy failed');
        const copyMs = performance.now() - copyStarted;
        if (i >= WARMUP) {
          encrypted.push(stop - finishMs);
          sanitize.push(sanitizeMs);
          baseline.push(copyMs);
        }
      }
      blobs.close();
      await Promise.all(raws.map((raw) => raw.close()));

      const withoutSanitize = encrypted.map((ms, i) => ms - (sanitize[i] ?? 0));
      const figures: Record<string, Figure> = {
        photo_bytes: { value: photo.length, unit: 'bytes', goal: null },
        sealed_bytes: { value: prepared.bytes.length, unit: 'bytes', goal: null },
        encrypted_p50_ms: { value: round(median(encrypted)), unit: 'ms', goal: null },
        encrypted_p99_ms: { value: round(percentile(encrypted, 99)), unit: 'ms', goal: null },
        sanitize_p50_ms: { value: round(median(sanitize)), unit: 'ms', goal: null },
        encrypted_without_sanitize_p50_ms: { value: round(median(withoutSanitize)), unit: 'ms', goal: null },
        encrypted_without_sanitize_p99_ms: { value: round(percentile(withoutSanitize, 99)), unit: 'ms', goal: null },
        baseline_p50_ms: { value: round(median(baseline)), unit: 'ms', goal: null },
        baseline_p99_ms: { value: round(percentile(baseline, 99)), unit: 'ms', goal: null },
        ratio_p50: { value: round(median(baseline) / median(withoutSanitize)), unit: 'ratio', goal: '>= 0.7' },
        ratio_p99: {
          value: round(percentile(baseline, 99) / percentile(withoutSanitize, 99)),
          unit: 'ratio',
          goal: '>= 0.7',
        },
        ratio_with_sanitize_p50: { value: round(median(baseline) / median(encrypted)), unit: 'ratio', goal: null },
      };
      return figures;
    } finally {
      await Promise.all(cores.map((core) => core.close()));
      for (const child of children) await child.stop().catch(() => undefined);
      cluster?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};
