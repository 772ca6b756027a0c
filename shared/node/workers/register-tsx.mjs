// Development and tests only: preloaded into a worker thread started from the TypeScript sources
// (see spawn-worker.ts), because tsx's own `--import tsx` hook registers on the main thread only.
import { register } from 'tsx/esm/api';

register();
