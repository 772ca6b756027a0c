import { useCallback, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AdminTemplate } from '../../../../shared/protocol/template-api';
import { describeAdminError } from '../admin-labels';

/** Most pages the section reads: a hospital's approved sentences fit in one or two. */
const PAGES_MAX = 4;

/** Every template IT keeps, read a page at a time into one list for the Templates section. */
export function useAdminTemplates(bridge: WardlineApi) {
  const [templates, setTemplates] = useState<readonly AdminTemplate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Busy is set by the Refresh button; the first list needs no spinner over an empty section.
  const refresh = useCallback(async () => {
    const listed: AdminTemplate[] = [];
    let after: string | null = null;
    for (let page = 0; page < PAGES_MAX; page++) {
      const result = await bridge.admin.listTemplates({ after });
      if (!result.ok) {
        setError(describeAdminError(result.error, 'template'));
        setBusy(false);
        return;
      }
      listed.push(...result.value.templates);
      const last = result.value.templates.at(-1);
      if (!result.value.more || last === undefined) break;
      after = last.templateId;
    }
    setError(null);
    setTemplates(listed);
    setBusy(false);
  }, [bridge]);

  return { templates, busy, error, refresh, setBusy };
}
