import { ListBoxItem, Text } from 'react-aria-components';
import type { RecipientChoice } from './recipient-choice';

/** One search result: name, then role · department · title (or a role address's member count). */
export function DirectoryOption({ choice }: { readonly choice: RecipientChoice }) {
  return (
    <ListBoxItem id={choice.id} textValue={choice.name} className="directory-option">
      <Text slot="label" className="directory-name">
        <bdi>{choice.name}</bdi>
      </Text>
      <Text slot="description" className="directory-details">
        {choice.details}
        {choice.unavailable !== null && <span className="directory-unavailable"> — {choice.unavailable}</span>}
      </Text>
    </ListBoxItem>
  );
}
