/** Priority levels as people read and choose them. Routine is the quiet default: no marker. */
import type { Priority } from '../../../../shared/protocol/envelope';

export const PRIORITY_OPTIONS: readonly { readonly value: Priority; readonly label: string }[] = [
  { value: 'routine', label: 'Routine' },
  { value: 'urgent', label: 'Urgent' },
  { value: 'stat', label: 'STAT' },
];

/** The marker text for a priority that needs one, or null for routine. */
export function priorityMarker(priority: Priority): string | null {
  switch (priority) {
    case 'routine':
      return null;
    case 'urgent':
      return 'Urgent';
    case 'stat':
      return 'STAT';
  }
}
