/**
 * The approved templates this clinician is offered, as the server last listed them for their
 * role and department: asked for on first use, then kept in memory for the messaging session
 * (which a lock or sign-out ends, taking this with it; `clear` empties it at once). A send names
 * a template by id and version; one not held, or held at another version, is asked for again
 * once, so a template IT changed a minute ago is sent as the sender saw it or not at all.
 */
import { appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import type { MessageTemplate } from '../../shared/protocol/template-api';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';

export interface TemplateBook {
  /** The templates held, or fetched when none are held or `refresh` asks. */
  list(refresh: boolean): Promise<IpcResult<readonly MessageTemplate[]>>;
  /** The template at exactly this version, asking the server again if it is not held so; null if it is not offered. */
  find(templateId: string, version: number): Promise<IpcResult<MessageTemplate | null>>;
  clear(): void;
}

export function createTemplateBook(deps: {
  readonly api: ApiClient;
  readonly token: () => string | null;
}): TemplateBook {
  let held: readonly MessageTemplate[] | null = null;
  // Concurrent first asks share one request.
  let asking: Promise<IpcResult<readonly MessageTemplate[]>> | null = null;

  function fetchTemplates(): Promise<IpcResult<readonly MessageTemplate[]>> {
    asking ??= (async () => {
      try {
        const answer = await deps.api.call('listTemplates', {}, deps.token());
        if (!answer.ok) return fail(appError(appCodeOf(answer.error.code)));
        held = answer.value.templates;
        return ok(held);
      } finally {
        asking = null;
      }
    })();
    return asking;
  }

  const exactly = (templates: readonly MessageTemplate[], templateId: string, version: number) =>
    templates.find((template) => template.templateId === templateId && template.version === version) ?? null;

  return {
    list: (refresh) => (held !== null && !refresh ? Promise.resolve(ok(held)) : fetchTemplates()),
    async find(templateId, version) {
      const known = held === null ? null : exactly(held, templateId, version);
      if (known !== null) return ok(known);
      const fresh = await fetchTemplates();
      return fresh.ok ? ok(exactly(fresh.value, templateId, version)) : fresh;
    },
    clear() {
      held = null;
    },
  };
}
