import { useEffect, useRef, useState } from 'react';
import { ComboBox, Input, Label, ListBox, Popover, Text, type Key } from 'react-aria-components';
import type { WardlineApi } from '../../../preload/api-factory';
import { describeError } from '../error-messages';
import { DirectoryOption } from '../messaging/compose/DirectoryOption';
import { recipientChoice, type RecipientChoice } from '../messaging/compose/recipient-choice';
import { useDirectorySearch } from '../messaging/compose/use-directory-search';
import { useNow } from '../messaging/use-now';

/**
 * The covering colleague: the recipient picker's directory search, people only (never oneself,
 * never a role address), one choice. Someone who cannot receive messages is listed but cannot be
 * chosen; the server refuses them too.
 */
export function CoverPicker({
  bridge,
  selfId,
  cover,
  onChange,
}: {
  readonly bridge: WardlineApi;
  readonly selfId: string;
  readonly cover: RecipientChoice | null;
  readonly onChange: (cover: RecipientChoice | null) => void;
}) {
  const [query, setQuery] = useState('');
  const search = useDirectorySearch(bridge, query);
  const now = useNow();
  // The field swaps with the chosen name and back: focus follows, so the keyboard is never lost.
  const remove = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const swapped = useRef(false);
  useEffect(() => {
    if (!swapped.current) return;
    swapped.current = false;
    (cover === null ? input.current : remove.current)?.focus();
  }, [cover]);
  const choices =
    search.status === 'done'
      ? search.entries.filter((entry) => entry.kind === 'user' && entry.userId !== selfId).map(recipientChoice)
      : [];

  function choose(key: Key | null) {
    const choice = key === null ? undefined : choices.find((candidate) => candidate.id === key);
    if (choice?.unavailable === null) {
      swapped.current = true;
      onChange(choice);
    }
    setQuery('');
  }

  return (
    <div className="field cover-field">
      {cover === null ? (
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
        >
          <Label>
            Covering colleague <span className="optional">(optional)</span>
          </Label>
          <Text slot="description" className="field-hint">
            Messages sent to you also go to them.
          </Text>
          <Input ref={input} className="combo-input" spellCheck={false} autoComplete="off" />
          <Popover className="combo-popover" placement="bottom start" offset={4}>
            <ListBox<RecipientChoice>
              className="combo-list"
              renderEmptyState={() => (
                <p className="combo-empty">
                  {search.status === 'failed'
                    ? describeError(search.error)
                    : search.status === 'searching'
                      ? 'Searching the directory…'
                      : 'No one in the directory matches that.'}
                </p>
              )}
            >
              {(choice) => <DirectoryOption choice={choice} now={now} />}
            </ListBox>
          </Popover>
        </ComboBox>
      ) : (
        <p className="cover-chosen">
          Covering colleague: <bdi>{cover.name}</bdi>{' '}
          <button
            ref={remove}
            type="button"
            className="button-link"
            onClick={() => {
              swapped.current = true;
              onChange(null);
            }}
          >
            Remove <span className="visually-hidden">{cover.name} as cover</span>
          </button>
        </p>
      )}
    </div>
  );
}
