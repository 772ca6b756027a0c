import { ListBoxItem, Text } from 'react-aria-components';
import { AvailabilityBadge } from '../../availability/AvailabilityBadge';
import type { RecipientChoice } from './recipient-choice';

/**
 * One search result: name, then role · department · title (or a role address's member count),
 * and a person's availability when they are not available (icon and words).
 */
export function DirectoryOption({ choice, now }: { readonly choice: RecipientChoice; readonly now: number }) {
  return (
    <ListBoxItem id={choice.id} textValue={choice.name} className="directory-option">
      <Text slot="label" className="directory-name">
        <bdi>{choice.name}</bdi>
      </Text>
      <Text slot="description" className="directory-details">
        {choice.details}
        {choice.unavailable !== null && <span className="directory-unavailable"> — {choice.unavailable}</span>}
        {choice.availability !== null && (
          <>
            {' '}
            <AvailabilityBadge availability={choice.availability} now={now} />
          </>
        )}
      </Text>
    </ListBoxItem>
  );
}
