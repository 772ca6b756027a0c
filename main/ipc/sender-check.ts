/**
 * Is an IPC request from the app's own top-level page? Subframes (an injected iframe, a
 * remote document) and any other origin are refused before the payload is even read.
 */
export interface IpcSender {
  /** URL of the frame that sent the request. */
  readonly url: string;
  /** True only for the window's main frame. */
  readonly isTopFrame: boolean;
}

/** Origin as `scheme://host[:port]`; computed by hand because WHATWG URL gives custom schemes a `null` origin. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host === '' ? null : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

export function isTrustedSender(sender: IpcSender, trustedOrigin: string): boolean {
  return sender.isTopFrame && originOf(sender.url) === trustedOrigin;
}
