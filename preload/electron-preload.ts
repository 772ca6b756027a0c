/**
 * Electron preload: exposes the contract-built API and nothing else. `ipcRenderer` stays here;
 * the page receives only plain payloads.
 */
import './zod-jitless';
import { contextBridge, ipcRenderer } from 'electron';
import { createWardlineApi } from './api-factory';
import { EVENT_CHANNEL } from '../shared/ipc/event-channel';

const api = createWardlineApi({
  invoke: (channel, request) => ipcRenderer.invoke(channel, request),
  onEvent: (handler) => {
    ipcRenderer.on(EVENT_CHANNEL, (_event, message: { name?: unknown; payload?: unknown } | undefined) => {
      handler(message?.name, message?.payload);
    });
  },
});

contextBridge.exposeInMainWorld('wardline', api);
