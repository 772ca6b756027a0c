import type { Priority } from '../../../../shared/protocol/envelope';
import { priorityMarker } from './priority';

/** "Urgent" or "STAT" as a labelled badge (text, not colour alone); nothing for routine. */
export function PriorityMarker({ priority }: { readonly priority: Priority | null }) {
  const text = priority === null ? null : priorityMarker(priority);
  if (text === null || priority === null) return null;
  return (
    <span className="priority-marker" data-priority={priority}>
      {text}
    </span>
  );
}
