/**
 * Handing a picked file to main, in order: `attachment.begin` with its name, type and size,
 * then `attachment.chunk` per ATTACHMENT_IPC_CHUNK_BYTES (base64), then `attachment.finish`,
 * which answers once main has read, re-encoded, encrypted and uploaded it. Cancelling between
 * chunks, or any refusal, ends the draft in main with `attachment.discard`. The bridge and the
 * file are passed in, so the sequence is tested without either.
 */
import type { AppError } from '../../../../shared/errors';
import { appError } from '../../../../shared/errors';
import type { AttachmentDraft } from '../../../../shared/ipc/attachment-channels';
import { ATTACHMENT_IPC_CHUNK_BYTES } from '../../../../shared/ipc/attachment-channels';
import type { IpcResult } from '../../../../shared/ipc/result';
import type { WardlineApi } from '../../../../preload/api-factory';
import { bytesToBase64 } from './attachment-bytes';
import { attachableName } from './attachment-words';

/** The part of a browser `File` this needs. */
export interface PickedFile {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export type AttachmentBridge = Pick<WardlineApi['attachment'], 'begin' | 'chunk' | 'finish' | 'discard'>;

/** [start, end) of each chunk, in order. */
export function chunkRanges(size: number, chunkBytes = ATTACHMENT_IPC_CHUNK_BYTES): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < size; start += chunkBytes) ranges.push([start, Math.min(start + chunkBytes, size)]);
  return ranges;
}

export type HandOverResult = IpcResult<AttachmentDraft> | { readonly ok: false; readonly cancelled: true };

export interface HandOverOptions {
  /** Bytes handed over so far. */
  readonly onProgress: (sent: number) => void;
  /** Asked between chunks. */
  readonly cancelled: () => boolean;
  /** Once main named the draft: what Cancel or an unmount discards. */
  readonly onDraftId?: (draftId: string) => void;
}

const failed = (error: AppError): HandOverResult => ({ ok: false, error });

export async function handOver(
  bridge: AttachmentBridge,
  file: PickedFile,
  options: HandOverOptions,
): Promise<HandOverResult> {
  const begun = await bridge.begin({ fileName: attachableName(file.name), mediaType: file.type, size: file.size });
  if (!begun.ok) return begun;
  const { draftId } = begun.value;
  options.onDraftId?.(draftId);
  const end = (result: HandOverResult): HandOverResult => {
    void bridge.discard({ draftId });
    return result;
  };
  for (const [start, stop] of chunkRanges(file.size)) {
    if (options.cancelled()) return end({ ok: false, cancelled: true });
    let data: string;
    try {
      data = bytesToBase64(new Uint8Array(await file.slice(start, stop).arrayBuffer()));
    } catch {
      // The file changed or vanished on disk since it was picked.
      return end(failed(appError('ATTACHMENT_UNREADABLE')));
    }
    const sent = await bridge.chunk({ draftId, offset: start, data });
    if (!sent.ok) return end(sent);
    options.onProgress(stop);
  }
  if (options.cancelled()) return end({ ok: false, cancelled: true });
  const finished = await bridge.finish({ draftId });
  if (!finished.ok) return end(finished);
  return finished;
}
