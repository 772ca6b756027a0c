import { Button, Tag, TagGroup, TagList, type Key } from 'react-aria-components';
import type { RecipientChoice } from './recipient-choice';

/**
 * The chosen recipients as removable chips (a WAI-ARIA grid of tags): arrow keys move between
 * them, Delete or Backspace removes the focused one, and each has its own Remove button.
 */
export function RecipientChips({
  recipients,
  onRemove,
}: {
  readonly recipients: readonly RecipientChoice[];
  readonly onRemove: (ids: ReadonlySet<string>) => void;
}) {
  if (recipients.length === 0) return null;
  return (
    <TagGroup
      aria-label="Recipients"
      className="recipient-chips"
      onRemove={(keys: Set<Key>) => onRemove(new Set([...keys].map(String)))}
    >
      <TagList items={recipients} className="chip-list">
        {(choice) => (
          <Tag id={choice.id} textValue={`${choice.name}, ${choice.details}`} className="chip">
            <bdi className="chip-name">{choice.name}</bdi>
            <span className="chip-details">{choice.details}</span>
            <Button slot="remove" className="chip-remove" aria-label={`Remove ${choice.name}`}>
              <span aria-hidden="true">×</span>
            </Button>
          </Tag>
        )}
      </TagList>
    </TagGroup>
  );
}
