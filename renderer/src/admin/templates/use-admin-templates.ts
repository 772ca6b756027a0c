import { useCallback, useState } from 'react';
import type { AdminTemplate } from '../../../../shared/protocol/template-api';
import { describeAdminError } from '../admin-labels';
import type { TemplateKeeper } from './template-keeper';

/** Most pages the section reads: a hospital's approved sentences fit in one or two. */
const PAGES_MAX = 4;

/** Every template the keeper may see (IT: all; a lead: their department's), read a page at a time into one list. */
export function useAdminTemplates(keeper: TemplateKeeper) {
  const [templates, setTemplates] = useState<readonly AdminTemplate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Busy is set by the Refresh button; the first list needs no spinner over an empty section.
  const refresh = useCallback(async () => {
    const listed: AdminTemplate[] = [];
    let after: string | null = null;
    for (let page = 0; page < PAGES_MAX; page++) {
      const result = await keeper.listTemplates({ after });
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
  }, [keeper]);

  return { templates, busy, error, refresh, setBusy };
}
