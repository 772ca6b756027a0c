/**
 * The server's blob store as attachments use it: the signed-in clinician's token on every
 * transfer, and the server's refusals turned into app error codes. A blob the server does not
 * serve to this person (recalled, expired, never theirs to read) is `gone`.
 */
import { appError } from '../../shared/errors';
import { fail, ok } from '../../shared/ipc/result';
import { appCodeOf } from '../server-link/api-error-code';
import type { BlobClient } from '../server-link/blob-client';
import type { BlobTransfer } from './attachment-service';

export function blobTransfer(client: BlobClient, token: () => string | null): BlobTransfer {
  return {
    async upload(pieces, size) {
      const current = token();
      if (current === null) return fail(appError('NOT_SIGNED_IN'));
      const uploaded = await client.upload(pieces, current, { size });
      if (!uploaded.ok)
        return fail(
          appError(
            uploaded.error.code === 'PAYLOAD_TOO_LARGE' ? 'ATTACHMENT_TOO_LARGE' : appCodeOf(uploaded.error.code),
          ),
        );
      return ok({ blobId: uploaded.value.blobId });
    },
    async download(blobId, maxBytes) {
      const current = token();
      if (current === null) return fail(appError('NOT_SIGNED_IN'));
      const downloaded = await client.download(blobId, current, { maxBytes });
      if (downloaded.ok) return ok(downloaded.value);
      return downloaded.error.code === 'NOT_FOUND' ? 'gone' : fail(appError(appCodeOf(downloaded.error.code)));
    },
  };
}
