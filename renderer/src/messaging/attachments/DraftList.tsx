import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { FileIcon } from './FileIcon';
import { formatSize } from './attachment-words';
import type { AttachmentDrafts, DraftItem } from './use-attachment-drafts';
import './attachments.css';

/**
 * The files attached to a message not yet sent: each on its way (a progress bar and Cancel) or
 * ready (its thumbnail or a PDF icon, name, size and Remove). Nothing when there are none, so the
 * reply box stays one line high on a ward screen.
 */
export function DraftList({ drafts }: { readonly drafts: AttachmentDrafts }) {
  return (
    <div className="attachment-drafts">
      {drafts.items.length > 0 && (
        <ul className="draft-list" aria-label="Attached files">
          {drafts.items.map((item) => (
            <li key={item.key} className="draft-chip" data-status={item.status}>
              <DraftPreview item={item} />
              <span className="draft-text">
                <ShownText text={item.fileName} className="draft-name" />
                <span className="draft-size">{formatSize(item.size)}</span>
              </span>
              {item.status === 'ready' ? null : <DraftProgress item={item} />}
              <button
                type="button"
                className="chip-remove"
                aria-label={`${item.status === 'ready' ? 'Remove' : 'Cancel attaching'} ${item.fileName}`}
                onClick={() => drafts.remove(item.key)}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert message={drafts.error} />
    </div>
  );
}

function DraftPreview({ item }: { readonly item: DraftItem }) {
  const thumbnail = item.draft?.thumbnail ?? null;
  if (thumbnail !== null)
    // Main's own re-encoded JPEG, as a data: URL: nothing is fetched.
    return <img className="draft-thumbnail" src={`data:image/jpeg;base64,${thumbnail}`} alt="" />;
  return (
    <FileIcon label={item.draft?.mediaType === 'application/pdf' || /\.pdf$/i.test(item.fileName) ? 'PDF' : 'IMG'} />
  );
}

function DraftProgress({ item }: { readonly item: DraftItem }) {
  const label =
    item.status === 'waiting' ? 'Waiting' : item.status === 'preparing' ? 'Encrypting and uploading' : 'Attaching';
  return (
    <span className="draft-progress">
      <progress
        max={item.size}
        // Indeterminate once main has it: it reads, re-encodes, encrypts and uploads in one step.
        value={item.status === 'preparing' ? undefined : item.sent}
        aria-label={`${label} ${item.fileName}`}
      />
      <span className="draft-status">{label}…</span>
    </span>
  );
}
