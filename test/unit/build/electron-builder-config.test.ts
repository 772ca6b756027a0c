import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// electron-builder's own check of a configuration (its JSON schema, app-builder-lib/scheme.json,
// and its deprecations), from the copy installed with it: the version that packages is the one
// that judges.
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { repoRoot } from '../../support/browser-host-process';

interface BuilderConfig {
  electronFuses: Record<string, boolean>;
  files: string[];
  asar: boolean;
  win: { target: { target: string }[] };
  msi: { perMachine: boolean };
  extraResources: { from: string; to: string; filter: string[] }[];
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

  it('ships the Group Policy templates the generator writes, and nothing else from that folder', () => {
    const templates = config.extraResources.find((resource) => resource.to === 'policy-templates');
    expect(templates?.from).toBe('build/policy-templates');
    expect(templates?.filter).toEqual(['**/*.admx', '**/*.adml']);
    // What the filter lets through is what the generator writes (and the templates test compares).
    const dir = path.join(repoRoot, templates?.from ?? '');
    expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(
      ['en-US', path.join('en-US', 'wardline.adml'), 'wardline.admx'].sort(),
    );
  });

  const quietLogger = { isEnabled: false, add: () => undefined } as unknown as Parameters<
    typeof validateConfiguration
  >[1];

  it("passes electron-builder's own configuration check", async () => {
    await expect(validateConfiguration(structuredClone(config) as never, quietLogger)).resolves.toBeUndefined();
  });

  it('would be refused by that check with an option electron-builder does not know', async () => {
    const misspelt = { ...structuredClone(config), msi: { ...config.msi, perMachin: true } };
    await expect(validateConfiguration(misspelt as never, quietLogger)).rejects.toThrow(/configuration\.msi/);
  });
});
