import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AttachmentSaving } from '../../../../shared/policy/policy-schema';
import type { AttachmentKind } from '../../../../shared/protocol/attachment';
import { allowedKinds } from './attachment-words';

/** What machine policy says about attachments, as the UI needs it. Main enforces all of it again. */
export interface AttachmentPolicy {
  readonly maxMiB: number;
  readonly kinds: readonly AttachmentKind[];
  readonly saving: AttachmentSaving;
}

/** The policy once read (null until then, or if it could not be). */
export function useAttachmentPolicy(bridge: WardlineApi): AttachmentPolicy | null {
  const [policy, setPolicy] = useState<AttachmentPolicy | null>(null);
  useEffect(() => {
    let live = true;
    void bridge.policy.get().then((result) => {
      if (!live || !result.ok) return;
      const { attachmentMaxMiB, attachmentKinds, attachmentSaving } = result.value.policy;
      setPolicy({ maxMiB: attachmentMaxMiB, kinds: allowedKinds(attachmentKinds), saving: attachmentSaving });
    });
    return () => {
      live = false;
    };
  }, [bridge]);
  return policy;
}
