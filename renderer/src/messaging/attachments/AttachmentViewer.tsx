import { useEffect, useState, type SyntheticEvent } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AttachmentView } from '../../../../shared/ipc/attachment-channels';
import { describeError } from '../../error-messages';
import { ShownText } from '../../components/ShownText';
import { ErrorAlert } from '../../components/ErrorAlert';
import { base64ToBytes } from './attachment-bytes';
import { ImageView } from './ImageView';
import { PDF_FAILED_TEXT, PdfView } from './PdfView';
import { useAttachmentPolicy } from './use-attachment-policy';
import { ViewerErrorBoundary } from './ViewerErrorBoundary';

type Opened =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'open'; readonly mediaType: AttachmentView['mediaType']; readonly bytes: Uint8Array<ArrayBuffer> };

/**
 * Wardline's own viewer for a received file: a modal dialog that asks main for the bytes
 * (`attachment.open`, which records `attachment.opened`) and shows an image or a PDF. Escape or
 * Close ends it, and the bytes go with it. Save appears only where machine policy allows saving
 * (each save audited by main); otherwise the file is for viewing here only.
 */
export function AttachmentViewer({
  bridge,
  messageId,
  attachment,
  onClose,
}: {
  readonly bridge: WardlineApi;
  readonly messageId: string;
  readonly attachment: AttachmentView;
  readonly onClose: () => void;
}) {
  const policy = useAttachmentPolicy(bridge);
  const [opened, setOpened] = useState<Opened>({ kind: 'loading' });
  const [saved, setSaved] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    void bridge.attachment.open({ messageId, attachmentId: attachment.id }).then((result) => {
      if (!live) return;
      if (!result.ok) setOpened({ kind: 'failed', message: describeError(result.error) });
      else setOpened({ kind: 'open', mediaType: result.value.mediaType, bytes: base64ToBytes(result.value.data) });
    });
    return () => {
      live = false;
    };
  }, [bridge, messageId, attachment.id]);

  async function save() {
    setSaving(true);
    setSaveError(null);
    const result = await bridge.attachment.save({ messageId, attachmentId: attachment.id });
    setSaving(false);
    if (result.ok) setSaved(result.value.fileName);
    else setSaveError(describeError(result.error));
  }

  // View-only: the file is not to leave Wardline, so the viewer refuses the easy ways out (copy,
  // drag to the desktop, the context menu's "Save image as"). Best effort only: the window's
  // content protection stops screenshots, but nothing stops a camera pointed at the screen.
  const viewOnly = policy?.saving !== 'save';
  const refuse = viewOnly ? (event: SyntheticEvent) => event.preventDefault() : undefined;

  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen
      isDismissable
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Modal className="modal modal-viewer">
        <Dialog className="dialog viewer-dialog">
          <div className="viewer-header">
            <Heading slot="title" className="viewer-title">
              <ShownText text={attachment.fileName} />
            </Heading>
            {policy?.saving === 'save' && opened.kind === 'open' && (
              <Button className="button button-secondary button-small" isDisabled={saving} onPress={() => void save()}>
                {saving ? 'Saving…' : 'Save to Downloads'}
              </Button>
            )}
            <Button className="button button-primary button-small" slot="close">
              Close
            </Button>
          </div>
          <p className="viewer-saved" role="status">
            {saved === null ? null : (
              <>
                Saved to Downloads as <ShownText text={saved} />
              </>
            )}
          </p>
          <ErrorAlert message={saveError} />
          <div
            className="viewer-body"
            data-view-only={viewOnly || undefined}
            onCopy={refuse}
            onCut={refuse}
            onDragStart={refuse}
            onContextMenu={refuse}
          >
            {opened.kind === 'loading' && (
              <p className="viewer-status" role="status">
                <span className="spinner" aria-hidden="true" /> Opening…
              </p>
            )}
            {opened.kind === 'failed' && (
              <p className="viewer-status viewer-failed" role="alert">
                {opened.message}
              </p>
            )}
            {opened.kind === 'open' &&
              (opened.mediaType === 'application/pdf' ? (
                <ViewerErrorBoundary
                  fallback={
                    <p className="viewer-status viewer-failed" role="alert">
                      {PDF_FAILED_TEXT}
                    </p>
                  }
                >
                  <PdfView bytes={opened.bytes} fileName={attachment.fileName} />
                </ViewerErrorBoundary>
              ) : (
                <ViewerErrorBoundary
                  fallback={
                    <p className="viewer-status viewer-failed" role="alert">
                      This image could not be shown.
                    </p>
                  }
                >
                  <ImageView bytes={opened.bytes} mediaType={opened.mediaType} fileName={attachment.fileName} />
                </ViewerErrorBoundary>
              ))}
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
