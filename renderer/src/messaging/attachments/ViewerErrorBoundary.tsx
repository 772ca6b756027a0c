import { Component, type ReactNode } from 'react';

/**
 * Keeps a viewer's failure inside the viewer: a file that breaks rendering shows `fallback`
 * instead of taking the window down with it. The error itself is never shown (it could carry
 * content or internals).
 */
export class ViewerErrorBoundary extends Component<
  { readonly fallback: ReactNode; readonly children: ReactNode },
  { readonly failed: boolean }
> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
