/**
 * A picked file goes to main in order: begin, each chunk at its offset, finish. Cancelling or a
 * refusal ends the draft in main, and nothing is sent after that.
 */
import { describe, expect, it } from 'vitest';
import { appError } from '../../../shared/errors';
import { ATTACHMENT_IPC_CHUNK_BYTES } from '../../../shared/ipc/attachment-channels';
import { fail, ok } from '../../../shared/ipc/result';
import {
  chunkRanges,
  handOver,
  type AttachmentBridge,
  type PickedFile,
} from '../../../renderer/src/messaging/attachments/hand-over';

const DRAFT = '00000000-0000-4000-8000-0000000000d1';

function picked(size: number, name = 'scan.pdf', type = 'application/pdf'): PickedFile {
  const bytes = new Uint8Array(size).map((_, index) => index % 251);
  return {
    name,
    type,
    size,
    slice: (start, end) => ({ arrayBuffer: () => Promise.resolve(bytes.slice(start, end).buffer) }),
  };
}

/** A fake main that records what it is asked; `refuse` names the step that fails. */
function fakeMain(refuse?: 'begin' | 'chunk' | 'finish') {
  const calls: string[] = [];
  const received: Buffer[] = [];
  const bridge: AttachmentBridge = {
    begin: (request) => {
      calls.push(`begin ${request.fileName} ${request.mediaType} ${String(request.size)}`);
      return Promise.resolve(
        refuse === 'begin' ? fail(appError('ATTACHMENT_TYPE_NOT_ALLOWED')) : ok({ draftId: DRAFT }),
      );
    },
    chunk: (request) => {
      calls.push(`chunk ${String(request.offset)}`);
      received.push(Buffer.from(request.data, 'base64'));
      return Promise.resolve(refuse === 'chunk' ? fail(appError('BAD_REQUEST')) : ok({}));
    },
    finish: (request) => {
      calls.push(`finish ${request.draftId}`);
      return Promise.resolve(
        refuse === 'finish'
          ? fail(appError('ATTACHMENT_UNREADABLE'))
          : ok({
              draftId: DRAFT,
              fileName: 'scan.pdf',
              mediaType: 'application/pdf' as const,
              size: Buffer.concat(received).length,
              thumbnail: null,
            }),
      );
    },
    discard: (request) => {
      calls.push(`discard ${request.draftId}`);
      return Promise.resolve(ok({}));
    },
  };
  return { bridge, calls, received };
}

const quiet = { onProgress: () => undefined, cancelled: () => false };

describe('chunks', () => {
  it('cover the file in order, the last one short, none for an empty file', () => {
    expect(chunkRanges(10, 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
    expect(chunkRanges(8, 4)).toEqual([
      [0, 4],
      [4, 8],
    ]);
    expect(chunkRanges(0, 4)).toEqual([]);
  });
});

describe('handing a file to main', () => {
  it('sends begin, every chunk at its offset, then finish; main gets the bytes exactly', async () => {
    const size = 2 * ATTACHMENT_IPC_CHUNK_BYTES + 123;
    const main = fakeMain();
    const progress: number[] = [];
    const result = await handOver(main.bridge, picked(size), { ...quiet, onProgress: (sent) => progress.push(sent) });
    expect(result.ok).toBe(true);
    expect(main.calls).toEqual([
      `begin scan.pdf application/pdf ${String(size)}`,
      'chunk 0',
      `chunk ${String(ATTACHMENT_IPC_CHUNK_BYTES)}`,
      `chunk ${String(2 * ATTACHMENT_IPC_CHUNK_BYTES)}`,
      `finish ${DRAFT}`,
    ]);
    expect(progress).toEqual([ATTACHMENT_IPC_CHUNK_BYTES, 2 * ATTACHMENT_IPC_CHUNK_BYTES, size]);
    expect(Buffer.concat(main.received).equals(Buffer.from(new Uint8Array(size).map((_, index) => index % 251)))).toBe(
      true,
    );
  });

  it('hands over a name the contract accepts, whatever the file system called it', async () => {
    const main = fakeMain();
    await handOver(main.bridge, picked(10, 'ward\u202egpj.exe'), quiet);
    expect(main.calls[0]).toBe('begin wardgpj.exe application/pdf 10');
  });

  it('stops between chunks when cancelled, and discards the draft', async () => {
    const main = fakeMain();
    let chunks = 0;
    const result = await handOver(main.bridge, picked(3 * ATTACHMENT_IPC_CHUNK_BYTES), {
      onProgress: () => (chunks += 1),
      cancelled: () => chunks >= 1,
    });
    expect(result).toEqual({ ok: false, cancelled: true });
    expect(main.calls).toEqual([expect.stringMatching(/^begin/), 'chunk 0', `discard ${DRAFT}`]);
  });

  it('names the draft as soon as main does, so a Cancel mid-way can discard it', async () => {
    const main = fakeMain();
    const named: string[] = [];
    await handOver(main.bridge, picked(10), { ...quiet, onDraftId: (id) => named.push(id) });
    expect(named).toEqual([DRAFT]);
  });

  it('returns main’s refusal at begin, with nothing else sent', async () => {
    const main = fakeMain('begin');
    const result = await handOver(main.bridge, picked(10), quiet);
    expect(result).toMatchObject({ ok: false, error: { code: 'ATTACHMENT_TYPE_NOT_ALLOWED' } });
    expect(main.calls).toHaveLength(1);
  });

  it('ends the draft when a chunk or finish is refused', async () => {
    for (const step of ['chunk', 'finish'] as const) {
      const main = fakeMain(step);
      const result = await handOver(main.bridge, picked(10), quiet);
      expect(result.ok).toBe(false);
      expect(main.calls.at(-1)).toBe(`discard ${DRAFT}`);
      expect(main.calls.filter((call) => call.startsWith('finish'))).toHaveLength(step === 'finish' ? 1 : 0);
    }
  });

  it('is unreadable when the file cannot be read any more, and discards the draft', async () => {
    const main = fakeMain();
    const vanished: PickedFile = {
      ...picked(10),
      slice: () => ({ arrayBuffer: () => Promise.reject(new Error('gone')) }),
    };
    const result = await handOver(main.bridge, vanished, quiet);
    expect(result).toMatchObject({ ok: false, error: { code: 'ATTACHMENT_UNREADABLE' } });
    expect(main.calls.at(-1)).toBe(`discard ${DRAFT}`);
  });
});
