import { Fragment, useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { displayEnrollmentCode } from '../../../../shared/protocol/enrollment';
import { ShownText } from '../../components/ShownText';
import { localTime, utcTime } from '../../compliance/audit-labels';
import { spokenTime } from '../admin-time';
import type { EnrollmentGrant } from '../admin-types';

/**
 * The one time IT sees an enrollment code: large, in groups of four, with when it stops working
 * and what to do with it. The code lives in the caller's state only while this is open; closing
 * (Done, or Escape) hands control back and the caller drops it. A click outside does not close
 * it, so a stray click cannot lose a code nobody can show again.
 *
 * Copy uses the clipboard (Electron grants `clipboard-sanitized-write` to the app's own page);
 * a code copied from here is overwritten in the clipboard when the dialog closes, so it does
 * not linger there after it was handed over.
 */
export function EnrollmentCodeDialog({
  grant,
  name,
  title,
  lead,
  onClose,
}: {
  /** Null: closed. */
  readonly grant: EnrollmentGrant | null;
  /** The person it is for, as the directory names them. */
  readonly name: string;
  readonly title: string;
  /** What came before the code (the account is created; any earlier code stops working). */
  readonly lead: ReactNode;
  readonly onClose: () => void;
}) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={grant !== null}
      isDismissable={false}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Modal className="modal modal-wide">
        <Dialog className="dialog enrollment-dialog">
          {grant !== null && (
            <EnrollmentCodeView grant={grant} name={name} title={title} lead={lead} onClose={onClose} />
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** The code and what to do with it, inside a dialog; focus starts on Copy, so Enter never closes it by accident. */
export function EnrollmentCodeView({
  grant,
  name,
  title,
  lead,
  onClose,
}: {
  readonly grant: EnrollmentGrant;
  readonly name: string;
  readonly title: string;
  readonly lead: ReactNode;
  readonly onClose: () => void;
}) {
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const copiedOnce = useRef(false);
  const shown = displayEnrollmentCode(grant.code);
  const expires = spokenTime(grant.expiresAt);

  // Whatever closes the dialog, a code copied from it leaves the clipboard with it.
  useEffect(
    () => () => {
      if (copiedOnce.current) void navigator.clipboard.writeText('').catch(() => undefined);
    },
    [],
  );

  async function copy() {
    try {
      await navigator.clipboard.writeText(shown);
      copiedOnce.current = true;
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <>
      <Heading slot="title">{title}</Heading>
      <div className="confirm-text">{lead}</div>
      <p className="enrollment-code-label">
        Enrollment code for <ShownText text={name} />
      </p>
      <p className="enrollment-code">
        {shown.split('-').map((group, index) => (
          <Fragment key={index}>
            {index > 0 && <span className="enrollment-code-dash">-</span>}
            <span className="enrollment-code-group">{group}</span>
          </Fragment>
        ))}
      </p>
      <p className="enrollment-expiry">
        Expires{' '}
        <time dateTime={utcTime(grant.expiresAt)} title={localTime(grant.expiresAt)}>
          {expires}
        </time>
      </p>
      <p className="enrollment-instruction">
        Give this code to <ShownText text={name} /> in person or by phone. They choose their own password with it at
        their first sign-in. It works once and expires {expires}.
      </p>
      <p className="hint enrollment-once">
        This code is shown only now. After you close this, nobody can see it again; if it is lost, issue a new one.
      </p>
      <div role="status" className="enrollment-copied">
        {copied === 'copied' && 'Copied. It is cleared from the clipboard when you close this.'}
        {copied === 'failed' && 'Could not copy here: read the code out or write it down.'}
      </div>
      <div className="button-row">
        <Button className="button button-secondary" autoFocus onPress={() => void copy()}>
          Copy code
        </Button>
        <Button className="button button-primary" onPress={onClose}>
          Done
        </Button>
      </div>
    </>
  );
}
