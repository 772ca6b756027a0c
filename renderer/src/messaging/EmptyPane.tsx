/** The right-hand pane before anything is open: what to do next, nothing else. */
export function EmptyPane() {
  return (
    <div className="empty-pane">
      <p>Choose a conversation on the left, or start one with New message.</p>
      <p className="hint">In the list, use the arrow keys to move and Enter to open.</p>
    </div>
  );
}
