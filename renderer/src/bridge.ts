/**
 * The renderer's only door to main: the frozen `window.wardline` object the preload exposes.
 * Its types come from the IPC contract through the API factory.
 */
import type { WardlineApi } from '../../preload/api-factory';

declare global {
  interface Window {
    readonly wardline?: WardlineApi;
  }
}

/** The bridge, or null when the page was opened outside the app (a plain browser tab). */
export function getBridge(): WardlineApi | null {
  return window.wardline ?? null;
}
