/**
 * All navigation rules in one place. The window never leaves the app: in-page navigation,
 * new windows and webviews are refused; an allow-listed https link opens in the system browser.
 */
export interface ExternalLinkPolicy {
  /** Host names (exact match) whose https links may open in the system browser. */
  readonly allowedHosts: readonly string[];
}

/** Whether a URL may be handed to `shell.openExternal`. */
export function isAllowedExternalUrl(url: string, policy: ExternalLinkPolicy): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    policy.allowedHosts.includes(parsed.hostname.toLowerCase())
  );
}

/** `will-navigate` / `will-redirect`: the app is one page; every navigation is refused. */
export function mayNavigate(_url: string): boolean {
  return false;
}

export type WindowOpenDecision = { action: 'deny'; openExternally: boolean };

/** `setWindowOpenHandler`: never a new window; allow-listed https links go to the system browser. */
export function decideWindowOpen(url: string, policy: ExternalLinkPolicy): WindowOpenDecision {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url, policy) };
}

/** `will-attach-webview`: never. */
export function mayAttachWebview(): boolean {
  return false;
}
