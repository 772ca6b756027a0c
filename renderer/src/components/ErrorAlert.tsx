/**
 * The one place a failure is shown: a live `alert` region that is always in the DOM (so screen
 * readers announce a message that appears in it) and takes no space while empty.
 */
export function ErrorAlert({ id, message }: { readonly id?: string; readonly message: string | null }) {
  return (
    <div id={id} role="alert" className={message ? 'alert' : 'alert-empty'}>
      {message}
    </div>
  );
}
