import type { ReactNode } from 'react';
import type { AppInfo } from '../../../shared/ipc/contract';

/**
 * Page landmarks: skip link, banner, main, contentinfo. Screens render inside `main`; a signed-in
 * screen adds its own controls to the banner. `workspace` fills the window (messaging);
 * `centered` holds one card (sign-in).
 */
export function AppFrame({
  info,
  banner,
  layout = 'centered',
  children,
}: {
  readonly info: AppInfo | null;
  readonly banner?: ReactNode;
  readonly layout?: 'centered' | 'workspace';
  readonly children: ReactNode;
}) {
  return (
    <div className={`frame frame-${layout}`}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="banner">
        <span className="brand" aria-label="Wardline secure messaging">
          <span className="brand-mark" aria-hidden="true" />
          Wardline
        </span>
        {info?.host === 'browser-host' && <span className="badge">Browser host (development)</span>}
        {banner}
      </header>
      <main id="main" className={`main main-${layout}`} tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <span>Secure clinical messaging{info ? ` · version ${info.version}` : ''}</span>
      </footer>
    </div>
  );
}
