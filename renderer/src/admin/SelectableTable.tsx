import { Table, type Selection, type TableProps } from 'react-aria-components';

type SelectionProps = 'selectionMode' | 'disallowEmptySelection' | 'selectedKeys' | 'onSelectionChange';

/**
 * A table whose rows open one thing at a time beside or below it: arrow keys move between rows;
 * Enter, Space or a click chooses one. A chosen row cannot be unchosen (only another chosen), so
 * what it opened stays open until the admin opens something else.
 */
export function SelectableTable({
  selected,
  onSelect,
  ...props
}: Omit<TableProps, SelectionProps> & {
  /** The chosen row's id. */
  readonly selected: string | null;
  readonly onSelect: (id: string) => void;
}) {
  const choose = (keys: Selection) => {
    if (keys === 'all') return;
    const [key] = [...keys];
    if (key !== undefined) onSelect(String(key));
  };
  return (
    <Table
      {...props}
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={selected === null ? [] : [selected]}
      onSelectionChange={choose}
    />
  );
}
