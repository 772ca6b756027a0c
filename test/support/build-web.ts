/** Vitest global setup for tiers that load the renderer: build it once per run. */
import { execFileSync } from 'node:child_process';
import { repoRoot } from './browser-host-process';

export default function setup(): void {
  if (process.env.WARDLINE_SKIP_WEB_BUILD === '1') return;
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: repoRoot, stdio: 'inherit' });
}
