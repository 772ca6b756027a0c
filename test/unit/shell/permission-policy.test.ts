import { describe, expect, it } from 'vitest';
import { ALLOWED_PERMISSIONS, isPermissionAllowed } from '../../../main/shell/permission-policy';

const APP = 'app://wardline';

describe('permission policy', () => {
  it('allow-lists only sanitized clipboard writes', () => {
    expect([...ALLOWED_PERMISSIONS]).toEqual(['clipboard-sanitized-write']);
    expect(isPermissionAllowed('clipboard-sanitized-write', APP, APP)).toBe(true);
  });

  it.each([
    'media',
    'geolocation',
    'notifications',
    'openExternal',
    'hid',
    'serial',
    'usb',
    'clipboard-read',
    'fullscreen',
    'display-capture',
    'unknown-future-permission',
  ])('denies %s', (permission) => {
    expect(isPermissionAllowed(permission, APP, APP)).toBe(false);
  });

  it('denies even allow-listed permissions to any other origin', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example', APP)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', '', APP)).toBe(false);
  });
});
