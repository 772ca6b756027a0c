import { Component, type ReactNode } from 'react';

interface State {
  readonly failed: boolean;
}

/**
 * Last line of defence for rendering errors: a calm, fixed message. The error itself is never
 * shown: its text could carry PHI or internals.
 */
export class ErrorBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="fatal" aria-labelledby="fatal-heading">
        <h1 id="fatal-heading">Wardline needs to restart</h1>
        <p>Something went wrong in this window. Your messages are safe.</p>
        <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
          Restart Wardline
        </button>
      </main>
    );
  }
}
