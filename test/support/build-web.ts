/**
 * Vitest global setup for tiers that load the renderer or the bundles: the web build (skipped
 * when its sources are unchanged) and the Electron bundles that the bundled-main test and the
 * `--bundled` browser hosts load. `npm test` builds both first and sets WARDLINE_SKIP_WEB_BUILD.
 */
import { execFileSync } from 'node:child_process';
import { repoRoot } from './browser-host-process';

export default function setup(): void {
  if (process.env.WARDLINE_SKIP_WEB_BUILD === '1') return;
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:electron'], { cwd: repoRoot, stdio: 'ignore' });
}
