import { useId } from 'react';
import type { Policy } from '../../../shared/policy/policy-schema';
import { archiveDisclosure } from './archive-disclosure';

/** The archive disclosure (archive-disclosure.ts) as a section of Settings; nothing without an archive key. */
export function ArchiveDisclosureNotice({ policy }: { readonly policy: Policy }) {
  const id = useId();
  const disclosure = archiveDisclosure(policy);
  if (disclosure === null) return null;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Message archive</h3>
      {disclosure.sentences.map((sentence) => (
        <p key={sentence}>{sentence}</p>
      ))}
      <p>
        Archive key fingerprint: <code className="archive-fingerprint">{disclosure.fingerprint}</code>
      </p>
    </section>
  );
}
