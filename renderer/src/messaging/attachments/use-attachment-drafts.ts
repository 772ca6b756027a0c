import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { appError } from '../../../../shared/errors';
import type { AttachmentDraft } from '../../../../shared/ipc/attachment-channels';
import { MAX_ATTACHMENTS } from '../../../../shared/protocol/attachment';
import { attachErrorText, attachableName } from './attachment-words';
import { handOver } from './hand-over';
import { useAttachmentPolicy, type AttachmentPolicy } from './use-attachment-policy';

/** A file on its way into the message: waiting its turn, being handed over, being prepared by main, or ready. */
export interface DraftItem {
  readonly key: string;
  readonly fileName: string;
  readonly size: number;
  readonly status: 'waiting' | 'sending' | 'preparing' | 'ready';
  /** Bytes handed over so far. */
  readonly sent: number;
  readonly draft: AttachmentDraft | null;
}

export interface AttachmentDrafts {
  readonly policy: AttachmentPolicy | null;
  readonly items: readonly DraftItem[];
  /** The last file that could not be attached, and why. */
  readonly error: string | null;
  /** A file is still on its way: the message cannot be sent yet. */
  readonly busy: boolean;
  /** The drafts a send names, in the order they were picked. */
  readonly readyIds: readonly string[];
  /** The send request's `attachments`, when there are any. */
  readonly request: { readonly attachments?: string[] };
  add(files: readonly File[]): void;
  /** Cancel one on its way, or take a ready one off the message. */
  remove(key: string): void;
  /** The message was sent: main has taken the drafts, so they are forgotten, not discarded. */
  sent(): void;
}

/**
 * The files attached to a message being written. One file is handed over at a time, in the order
 * picked. Whatever is still a draft when the form goes away (closed, or the thread changed) is
 * discarded in main; a lock clears main's drafts by itself.
 */
export function useAttachmentDrafts(bridge: WardlineApi): AttachmentDrafts {
  const policy = useAttachmentPolicy(bridge);
  const [items, setItems] = useState<readonly DraftItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const queue = useRef<{ key: string; file: File }[]>([]);
  const running = useRef(false);
  const cancelled = useRef(new Set<string>());
  /** Main's draft id for each item that has one (on its way or ready). */
  const draftIds = useRef(new Map<string, string>());
  const mounted = useRef(true);
  const nextKey = useRef(0);
  // Read by the hand-over loop, which outlives the render that started it.
  const policyRef = useRef(policy);
  useEffect(() => {
    policyRef.current = policy;
  }, [policy]);

  const update = useCallback((key: string, patch: Partial<DraftItem>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  }, []);
  const drop = useCallback((key: string) => setItems((list) => list.filter((item) => item.key !== key)), []);

  const pump = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    for (let next = queue.current.shift(); next !== undefined && mounted.current; next = queue.current.shift()) {
      const { key, file } = next;
      if (cancelled.current.has(key)) continue;
      update(key, { status: 'sending' });
      const result = await handOver(bridge.attachment, file, {
        onProgress: (sent) => update(key, { sent, status: sent >= file.size ? 'preparing' : 'sending' }),
        cancelled: () => cancelled.current.has(key) || !mounted.current,
        onDraftId: (draftId) => draftIds.current.set(key, draftId),
      });
      if (result.ok && !cancelled.current.has(key)) {
        update(key, { status: 'ready', draft: result.value });
        continue;
      }
      draftIds.current.delete(key);
      drop(key);
      if (!result.ok && 'error' in result && !cancelled.current.has(key))
        setError(
          `${attachableName(file.name)}: ${attachErrorText(result.error, file.size, policyRef.current?.maxMiB ?? null)}`,
        );
    }
    running.current = false;
  }, [bridge, drop, update]);

  const add = useCallback(
    (files: readonly File[]) => {
      setError(null);
      const limit = policyRef.current?.maxMiB;
      const room = MAX_ATTACHMENTS - items.length;
      if (files.length > room) {
        setError(`A message can carry up to ${String(MAX_ATTACHMENTS)} files.`);
        return;
      }
      const accepted: DraftItem[] = [];
      for (const file of files) {
        // Refused here at once, with the numbers; main refuses it again whatever the renderer says.
        if (limit !== undefined && file.size > limit * 1024 * 1024) {
          setError(
            `${attachableName(file.name)}: ${attachErrorText(appError('ATTACHMENT_TOO_LARGE'), file.size, limit)}`,
          );
          continue;
        }
        const key = `file-${String((nextKey.current += 1))}`;
        queue.current.push({ key, file });
        accepted.push({
          key,
          fileName: attachableName(file.name),
          size: file.size,
          status: 'waiting',
          sent: 0,
          draft: null,
        });
      }
      setItems((list) => [...list, ...accepted]);
      void pump();
    },
    [items.length, pump],
  );

  const remove = useCallback(
    (key: string) => {
      cancelled.current.add(key);
      const draftId = draftIds.current.get(key);
      draftIds.current.delete(key);
      if (draftId !== undefined) void bridge.attachment.discard({ draftId });
      drop(key);
    },
    [bridge, drop],
  );

  const sent = useCallback(() => {
    for (const key of draftIds.current.keys()) cancelled.current.add(key);
    draftIds.current.clear();
    queue.current = [];
    setItems([]);
    setError(null);
  }, []);

  useEffect(() => {
    mounted.current = true;
    const ids = draftIds.current;
    return () => {
      mounted.current = false;
      for (const draftId of ids.values()) void bridge.attachment.discard({ draftId });
      ids.clear();
    };
  }, [bridge]);

  const readyIds = useMemo(
    () => items.flatMap((item) => (item.status === 'ready' && item.draft !== null ? [item.draft.draftId] : [])),
    [items],
  );
  return {
    policy,
    items,
    error,
    busy: items.some((item) => item.status !== 'ready'),
    readyIds,
    request: readyIds.length > 0 ? { attachments: [...readyIds] } : {},
    add,
    remove,
    sent,
  };
}
