import { useEffect, useState } from 'react';
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text, type Key } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { receivesMessages } from '../../../../shared/access/permission-matrix';
import { displayText } from '../../../../shared/text/display-text';
import { ShownText } from '../../components/ShownText';
import { roleLabel } from '../../people/role-label';
import { describeAdminError } from '../admin-labels';
import type { Person } from '../admin-types';

const MIN_QUERY_CHARS = 2;
const DEBOUNCE_MS = 300;

type Lookup =
  | { readonly query: string; readonly people: readonly Person[]; readonly error: null }
  | { readonly query: string; readonly people: null; readonly error: string };

/**
 * "Add a member": a combobox over the people search (the Administration view's own channel, so
 * each lookup is recorded under the admin's name, as any other). It asks once typing pauses, from
 * two characters. People already members are left out; those whose role receives no messages
 * (IT, compliance) are listed but cannot be chosen, with the reason beside them.
 */
export function MemberPicker({
  bridge,
  memberIds,
  isDisabled,
  onChoose,
}: {
  readonly bridge: WardlineApi;
  readonly memberIds: ReadonlySet<string>;
  readonly isDisabled: boolean;
  readonly onChoose: (person: Person) => void;
}) {
  const [input, setInput] = useState('');
  const [answer, setAnswer] = useState<Lookup | null>(null);
  const query = input.trim().slice(0, 100);

  useEffect(() => {
    if (query.length < MIN_QUERY_CHARS) return;
    let current = true;
    const timer = window.setTimeout(() => {
      void bridge.admin.searchPeople({ query, after: null }).then((result) => {
        if (!current) return;
        setAnswer(
          result.ok
            ? { query, people: result.value.people, error: null }
            : { query, people: null, error: describeAdminError(result.error) },
        );
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [bridge, query]);

  const ready = query.length >= MIN_QUERY_CHARS && answer?.query === query;
  const choices = ready && answer.people !== null ? answer.people.filter((p) => !memberIds.has(p.userId)) : [];
  const emptyText =
    query.length < MIN_QUERY_CHARS
      ? 'Type at least two letters of a name or user ID.'
      : !ready
        ? 'Searching…'
        : (answer.error ?? 'No one else matches that.');

  function choose(key: Key | null) {
    const person = key === null ? undefined : choices.find((candidate) => candidate.userId === key);
    if (person !== undefined && receivesMessages(person.role)) onChoose(person);
    // Fully controlled input: clearing it after a choice (or Escape) is ours to do.
    setInput('');
  }

  return (
    <div className="field member-picker">
      <ComboBox
        className="combo"
        items={choices}
        inputValue={input}
        onInputChange={setInput}
        value={null}
        onChange={choose}
        disabledKeys={choices.filter((person) => !receivesMessages(person.role)).map((person) => person.userId)}
        menuTrigger="input"
        allowsEmptyCollection={query.length >= MIN_QUERY_CHARS}
        isDisabled={isDisabled}
      >
        <Label>Add a member</Label>
        <Text slot="description" className="field-hint">
          Type a name or user ID, then choose from the list.
        </Text>
        <Input className="combo-input" spellCheck={false} autoComplete="off" />
        <Popover className="combo-popover" placement="bottom start" offset={4}>
          <ListBox<Person> className="combo-list" renderEmptyState={() => <p className="combo-empty">{emptyText}</p>}>
            {(person) => (
              <ListBoxItem
                id={person.userId}
                textValue={`${displayText(person.displayName)} ${person.userId}`}
                className="directory-option"
              >
                <ShownText text={person.displayName} className="directory-name" />
                <span className="directory-details">
                  {roleLabel(person.role)} · {person.userId}
                  {receivesMessages(person.role) ? '' : ' · does not receive messages'}
                </span>
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
    </div>
  );
}
