import type { ReactNode } from 'react';
import type { AppInfo } from '../../../shared/ipc/contract';

/** Page landmarks: skip link, banner, main, contentinfo. Screens render inside `main`. */
export function AppFrame({ info, children }: { readonly info: AppInfo | null; readonly children: ReactNode }) {
  return (
    <div className="frame">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="banner">
        <span className="brand" aria-label="Wardline secure messaging">
          <span className="brand-mark" aria-hidden="true" />
          Wardline
        </span>
        {info?.host === 'browser-host' && <span className="badge">Browser host (development)</span>}
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <span>Secure clinical messaging{info ? ` · version ${info.version}` : ''}</span>
      </footer>
    </div>
  );
}
