/**
 * Whether the signed-in clinician leads a department, as the server says (`lead.status`): only
 * to offer the Templates entry. It decides nothing: the server checks again at every change, so
 * a screen opened before IT cleared the lead meets a refusal that says so. Asked when the
 * signed-in screen opens (each unlock), and by `check` before the Templates screen opens.
 */
import { useCallback, useEffect, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';

export function useLeadStatus(bridge: WardlineApi, canMessage: boolean) {
  // The department led, or null for none (or not known yet).
  const [department, setDepartment] = useState<string | null>(null);
  useEffect(() => {
    if (!canMessage) return;
    let live = true;
    void bridge.lead.status().then((result) => {
      // A failed ask (offline) leaves what was known: the server refuses any change anyway.
      if (live && result.ok) setDepartment(result.value.department);
    });
    return () => {
      live = false;
    };
  }, [bridge, canMessage]);

  /** Asks again: the department led now, or undefined when the server could not be asked. */
  const check = useCallback(async (): Promise<string | null | undefined> => {
    const result = await bridge.lead.status();
    if (!result.ok) return undefined;
    setDepartment(result.value.department);
    return result.value.department;
  }, [bridge]);

  return { department, check };
}
