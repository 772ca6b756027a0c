import { ShownText } from '../../components/ShownText';

/**
 * After a message to a role address: the members it could not reach (they have not signed in to
 * Wardline yet, so have no keys to seal to). The message went to everyone else; the sender may
 * need another way to reach these people.
 */
export function NotReachedNotice({ names }: { readonly names: readonly string[] }) {
  if (names.length === 0) return null;
  return (
    <div className="notice not-reached" role="status">
      <strong>Sent, but not to everyone in the role.</strong> Not reached, because they have not signed in to Wardline
      yet:{' '}
      {names.map((name, index) => (
        <span key={`${name}-${String(index)}`}>
          {index > 0 && ', '}
          <ShownText text={name} />
        </span>
      ))}
      .
    </div>
  );
}
