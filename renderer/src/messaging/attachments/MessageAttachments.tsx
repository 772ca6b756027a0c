import { useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AttachmentView } from '../../../../shared/ipc/attachment-channels';
import { describeError } from '../../error-messages';
import { ShownText } from '../../components/ShownText';
import { AttachmentViewer } from './AttachmentViewer';
import { FileIcon } from './FileIcon';
import { attachmentStateText, formatSize, mediaLabel } from './attachment-words';
import './attachments.css';

/**
 * A message's files, under its text: a card each, with the thumbnail main made (an image) or a
 * PDF icon, the name and the size. A ready one opens in Wardline's viewer; one being fetched
 * says so; one that failed says why and offers Retry; one recalled or expired with its message
 * says it was removed.
 */
export function MessageAttachments({
  bridge,
  messageId,
  attachments,
}: {
  readonly bridge: WardlineApi;
  readonly messageId: string;
  readonly attachments: readonly AttachmentView[];
}) {
  const [viewing, setViewing] = useState<AttachmentView | null>(null);
  if (attachments.length === 0) return null;
  return (
    <>
      <ul className="message-attachments" aria-label="Attachments">
        {attachments.map((attachment) => (
          <li key={attachment.id}>
            <AttachmentCard
              bridge={bridge}
              messageId={messageId}
              attachment={attachment}
              onOpen={() => setViewing(attachment)}
            />
          </li>
        ))}
      </ul>
      {viewing !== null && (
        <AttachmentViewer bridge={bridge} messageId={messageId} attachment={viewing} onClose={() => setViewing(null)} />
      )}
    </>
  );
}

function AttachmentCard({
  bridge,
  messageId,
  attachment,
  onOpen,
}: {
  readonly bridge: WardlineApi;
  readonly messageId: string;
  readonly attachment: AttachmentView;
  readonly onOpen: () => void;
}) {
  // Retry pressed: shown as fetching until the thread brings a newer view of it.
  const [retriedView, setRetriedView] = useState<AttachmentView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const state = retriedView === attachment && attachment.state === 'failed' ? 'fetching' : attachment.state;
  const stateText = attachmentStateText({ state, problem: attachment.problem });
  const nameAndSize = (
    <>
      <ShownText text={attachment.fileName} className="attachment-name" />
      <span className="attachment-details">
        {mediaLabel(attachment.mediaType)}, {formatSize(attachment.size)}
      </span>
    </>
  );
  const preview =
    attachment.thumbnail !== null && state !== 'removed' ? (
      // Main's own re-encoded JPEG, as a data: URL: nothing is fetched.
      <img className="attachment-thumbnail" src={`data:image/jpeg;base64,${attachment.thumbnail}`} alt="" />
    ) : (
      <FileIcon label={attachment.mediaType === 'application/pdf' ? 'PDF' : 'IMG'} />
    );

  if (state === 'ready')
    return (
      <button type="button" className="attachment-card" data-state={state} onClick={onOpen}>
        {preview}
        <span className="attachment-text">
          <span className="visually-hidden">Open </span>
          {nameAndSize}
        </span>
      </button>
    );

  async function retry() {
    setRetriedView(attachment);
    setError(null);
    const result = await bridge.attachment.retry({ messageId, attachmentId: attachment.id });
    if (!result.ok) {
      setRetriedView(null);
      setError(describeError(result.error));
    }
  }

  return (
    <div className="attachment-card" data-state={state}>
      {preview}
      <span className="attachment-text">
        {nameAndSize}
        <span className="attachment-state" role={state === 'failed' ? 'status' : undefined}>
          {state === 'fetching' && <span className="spinner" aria-hidden="true" />}
          {stateText}
        </span>
        {error !== null && <span className="attachment-error">{error}</span>}
      </span>
      {state === 'failed' && (
        <button type="button" className="button button-secondary button-small" onClick={() => void retry()}>
          Retry
        </button>
      )}
    </div>
  );
}
