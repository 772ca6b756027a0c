/**
 * Browser host counterpart of electron-preload.ts: the same API factory over the loopback
 * transport, defined on `window` as a non-writable, non-configurable, frozen property.
 * Loaded as a classic script before the renderer's module script, so the API exists first.
 */
import './zod-jitless';
import { createWardlineApi } from './api-factory';
import { createLoopbackTransport } from './loopback-transport';

Object.defineProperty(window, 'wardline', {
  value: createWardlineApi(createLoopbackTransport(window.location)),
  writable: false,
  configurable: false,
  enumerable: false,
});
