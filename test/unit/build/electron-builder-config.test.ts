import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../support/browser-host-process';

interface BuilderConfig {
  electronFuses: Record<string, boolean>;
  files: string[];
  asar: boolean;
  win: { target: { target: string }[] };
  msi: { perMachine: boolean };
}

const config = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

const expected: Record<string, boolean> = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
};

describe('electron-builder configuration', () => {
  it('sets every fuse Electron defines, explicitly', () => {
    // The fuse list comes from @electron/fuses itself, so a new fuse fails this test until decided.
    const defined = Object.keys(FuseV1Options)
      .filter((key) => Number.isNaN(Number(key)))
      .map((key) => key[0]!.toLowerCase() + key.slice(1));
    expect(Object.keys(config.electronFuses).sort()).toEqual(defined.sort());
  });

  it('hardens each fuse', () => {
    expect(config.electronFuses).toEqual(expected);
  });

  it('packs into an asar and leaves the browser host and tests out', () => {
    expect(config.asar).toBe(true);
    expect(config.files).toContain('!**/browser-host/**');
    expect(config.files).toContain('!test/**');
  });

  it('builds a per-machine MSI', () => {
    expect(config.win.target.map((t) => t.target)).toContain('msi');
    expect(config.msi.perMachine).toBe(true);
  });
});
