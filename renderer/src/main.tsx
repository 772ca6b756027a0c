// Base styles first: each screen's own stylesheet builds on (and may override) them.
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getBridge } from './bridge';
import { ErrorBoundary } from './components/ErrorBoundary';

const root = document.getElementById('root');
if (root === null) throw new Error('missing #root');
const bridge = getBridge();

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      {bridge === null ? (
        <main className="fatal" aria-labelledby="no-bridge-heading">
          <h1 id="no-bridge-heading">Open Wardline from its own window</h1>
          <p>This page only works inside the Wardline app.</p>
        </main>
      ) : (
        <App bridge={bridge} />
      )}
    </ErrorBoundary>
  </StrictMode>,
);
