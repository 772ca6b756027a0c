/** The signed-in clinician's own availability: read once on mount, replaced by what a set answers. */
import { useCallback, useEffect, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { AppError } from '../../../shared/errors';
import type { Availability, AvailabilityRequest } from '../../../shared/protocol/availability';

export function useOwnAvailability(bridge: WardlineApi) {
  const [availability, setAvailability] = useState<Availability>(null);
  useEffect(() => {
    let current = true;
    void bridge.availability.get().then((result) => {
      if (current && result.ok) setAvailability(result.value.availability);
    });
    return () => {
      current = false;
    };
  }, [bridge]);
  const set = useCallback(
    async (request: AvailabilityRequest): Promise<AppError | null> => {
      const result = await bridge.availability.set({ availability: request });
      if (!result.ok) return result.error;
      setAvailability(result.value.availability);
      return null;
    },
    [bridge],
  );
  return { availability, set };
}
