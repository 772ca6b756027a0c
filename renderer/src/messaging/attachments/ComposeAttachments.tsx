import { AttachButton } from './AttachButton';
import { DraftList } from './DraftList';
import { attachHint } from './attachment-words';
import type { AttachmentDrafts } from './use-attachment-drafts';

/** Compose's attachments: Attach, what may be attached, and the files attached so far. */
export function ComposeAttachments({ drafts, id }: { readonly drafts: AttachmentDrafts; readonly id: string }) {
  const hintId = `${id}-hint`;
  return (
    <div className="compose-attachments">
      <AttachButton drafts={drafts} hintId={hintId} className="button button-secondary button-small" />
      <p id={hintId} className="field-hint">
        {drafts.policy === null ? null : attachHint(drafts.policy.kinds, drafts.policy.maxMiB)}
      </p>
      <DraftList drafts={drafts} />
    </div>
  );
}
