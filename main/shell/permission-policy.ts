/**
 * Chromium permission requests and checks: denied unless listed here and asked by the app's own
 * origin. Camera, microphone, geolocation, notifications from the page, HID, serial and the rest
 * are never granted; OS notifications are raised by main, which decides what they may show.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  // Copying text the user selected (e.g. a callback number) to the clipboard.
  'clipboard-sanitized-write',
]);

export function isPermissionAllowed(permission: string, requestingOrigin: string, appOrigin: string): boolean {
  return requestingOrigin === appOrigin && ALLOWED_PERMISSIONS.has(permission);
}
