import { statusBadges } from '../admin-labels';
import type { Person } from '../admin-types';

/** A person's state as words in tinted pills: never colour alone, and each says what it means on hover. */
export function StatusBadges({ person }: { readonly person: Person }) {
  return (
    <span className="status-badges">
      {statusBadges(person).map((badge) => (
        <span key={badge.label} className={`status-badge status-${badge.tone}`} title={badge.description}>
          {badge.label}
        </span>
      ))}
    </span>
  );
}
