/**
 * What the API factory needs from a transport: Electron IPC in the app, a loopback WebSocket in
 * the browser host. Only the transport differs between the two; the API object is the same.
 */
export interface BridgeTransport {
  /** Sends one request; resolves with main's raw answer, rejects only if the transport failed. */
  invoke(channel: string, request: unknown): Promise<unknown>;
  /** Registers the single inbound stream of main-to-renderer events. */
  onEvent(handler: (name: unknown, payload: unknown) => void): void;
}
