import { Button } from 'react-aria-components';
import type { PagedListState } from '../components/paged-list';

/**
 * The button under a paged list that asks for its next page, there only while more follow. It
 * waits while any page is being asked for, so two answers never race to extend the list.
 */
export function LoadMore({
  list,
  label = 'Load more',
  onPress,
}: {
  readonly list: Pick<PagedListState<unknown, unknown, unknown>, 'more' | 'busy'>;
  /** `Load older` where the list runs back in time. */
  readonly label?: string;
  readonly onPress: () => void;
}) {
  if (!list.more) return null;
  return (
    <div className="button-row admin-more">
      <Button className="button button-secondary" isDisabled={list.busy !== null} onPress={onPress}>
        {list.busy === 'more' ? 'Loading…' : label}
      </Button>
    </div>
  );
}
