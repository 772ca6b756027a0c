/**
 * The `wardline-version` header (shared/protocol/client-version.ts): a version is kept, anything
 * else (markup, spaces, a repeated header, an essay) is as if none was sent.
 */
import { describe, expect, it } from 'vitest';
import { clientVersionOf } from '../../../shared/protocol/client-version';
import { appVersion } from '../../../main/core/app-version';

describe('client version header', () => {
  it('keeps a version as sent', () => {
    for (const version of ['0.1.0', '1.4.2-rc.1+build.7', '2025.3'])
      expect(clientVersionOf(version), version).toBe(version);
    // What main's API client sends is one.
    expect(clientVersionOf(appVersion())).toBe(appVersion());
  });

  it('treats anything else as no version', () => {
    for (const header of [undefined, '', ' 1.0', '1.0 beta', '<script>', '-1', '1'.repeat(41), ['1.0', '2.0']])
      expect(clientVersionOf(header), JSON.stringify(header)).toBeNull();
  });
});
