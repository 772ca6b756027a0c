import { useState } from 'react';
import { ComboBox, Input, Label, ListBox, Popover, Text, type Key } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { describeError } from '../../error-messages';
import { DirectoryOption } from './DirectoryOption';
import { recipientChoice, type RecipientChoice } from './recipient-choice';
import { RecipientChips } from './RecipientChips';
import { useDirectorySearch } from './use-directory-search';
import { useNow } from '../use-now';

export const MAX_RECIPIENTS = 20;

/**
 * The `To` field: a React Aria combobox over the directory (people and role addresses such as
 * "On-call cardiology"), adding each choice as a chip and clearing the input for the next one.
 * People who cannot receive messages yet are listed but cannot be chosen.
 */
export function RecipientPicker({
  bridge,
  selfId,
  recipients,
  onChange,
  invalid,
  autoFocus,
}: {
  readonly bridge: WardlineApi;
  /** The signed-in user, left out of the results: a message to oneself is a mistake here. */
  readonly selfId: string;
  readonly recipients: readonly RecipientChoice[];
  readonly onChange: (recipients: readonly RecipientChoice[]) => void;
  readonly invalid: boolean;
  readonly autoFocus: boolean;
}) {
  const [query, setQuery] = useState('');
  const search = useDirectorySearch(bridge, query);
  const now = useNow();
  const chosen = new Set([...recipients.map((recipient) => recipient.id), `user:${selfId}`]);
  const choices =
    search.status === 'done' ? search.entries.map(recipientChoice).filter((choice) => !chosen.has(choice.id)) : [];
  const full = recipients.length >= MAX_RECIPIENTS;

  function choose(key: Key | null) {
    // Null: Escape or leaving the field without a choice. The input is fully controlled, so
    // clearing it is ours to do (otherwise React Aria reopens the list for the leftover text).
    const choice = key === null ? undefined : choices.find((candidate) => candidate.id === key);
    if (choice?.unavailable === null) onChange([...recipients, choice]);
    if (key === null || choice?.unavailable === null) setQuery('');
  }

  const emptyText =
    search.status === 'searching'
      ? 'Searching the directory…'
      : search.status === 'failed'
        ? describeError(search.error)
        : 'No one in the directory matches that.';

  return (
    <div className="field recipient-field">
      <ComboBox
        className="combo"
        items={choices}
        inputValue={query}
        onInputChange={setQuery}
        value={null}
        onChange={choose}
        disabledKeys={choices.filter((choice) => choice.unavailable !== null).map((choice) => choice.id)}
        menuTrigger="input"
        allowsEmptyCollection={search.status !== 'idle'}
        isDisabled={full}
        isInvalid={invalid}
        autoFocus={autoFocus}
      >
        <Label>To</Label>
        <Text slot="description" className="field-hint">
          {full
            ? `Up to ${String(MAX_RECIPIENTS)} recipients.`
            : 'Type a name, department or role, then choose from the list.'}
        </Text>
        <Input className="combo-input" spellCheck={false} autoComplete="off" />
        <Popover className="combo-popover" placement="bottom start" offset={4}>
          <ListBox<RecipientChoice>
            className="combo-list"
            renderEmptyState={() => <p className="combo-empty">{emptyText}</p>}
          >
            {(choice) => <DirectoryOption choice={choice} now={now} />}
          </ListBox>
        </Popover>
      </ComboBox>
      {/* Outside the ComboBox: React Aria contexts of the combobox must not reach the tag group. */}
      <RecipientChips
        recipients={recipients}
        onRemove={(ids) => onChange(recipients.filter((recipient) => !ids.has(recipient.id)))}
      />
    </div>
  );
}
