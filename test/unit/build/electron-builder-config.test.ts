import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { afterEach, describe, expect, it, vi } from 'vitest';
// electron-builder's own code, from the copy installed with it: the version that packages is the
// one that judges. validateConfiguration is its check of a configuration (its JSON schema,
// app-builder-lib/scheme.json, and its deprecations); getConfig is how it loads a config file;
// getPublishConfigs is how it decides where updates come from.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { getPublishConfigs } from 'app-builder-lib/out/publish/PublishManager';
import { builderConfig, MSI_UPGRADE_CODE } from '../../../electron-builder.config';
import { repoRoot } from '../../support/browser-host-process';

interface BuilderConfig {
  electronFuses: Record<string, boolean>;
  files: string[];
  asar: boolean;
  publish?: null;
  win: { target: { target: string }[]; forceCodeSigning: boolean };
  msi: { perMachine: boolean; upgradeCode: string; artifactName: string };
  linux: object;
  extraResources: { from: string; to: string; filter: string[] }[];
}

// A local build (no signing): what every release build is besides its signing (code-signing.test.ts).
const config = builderConfig({ release: false, signing: {} }) as BuilderConfig;

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
    // The name the deployment instructions give: Wardline-<version>.msi.
    expect(config.msi.artifactName).toBe('${productName}-${version}.${ext}');
  });

  it('pins the MSI upgrade code, which must never change', () => {
    // Installed copies are found by this code: changing it installs a second Wardline beside the
    // first instead of upgrading. This literal is the one electron-builder derived from the appId
    // before it was pinned; the test fails on any edit.
    expect(MSI_UPGRADE_CODE).toBe('C252393B-7D0C-5C5E-8866-F39B3ABFC301');
    expect(config.msi.upgradeCode).toBe(MSI_UPGRADE_CODE);
    // WiX's form: a GUID without braces, upper case (what electron-builder itself would write).
    expect(config.msi.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
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

  describe('never updates itself', () => {
    afterEach(() => vi.unstubAllEnvs());

    /** The parts of electron-builder's packager getPublishConfigs reads. */
    function packagerFor(builder: BuilderConfig, platform: object) {
      const info = {
        config: builder,
        appInfo: { channel: null },
        repositoryInfo: Promise.resolve({ user: 'hospital-it', project: 'wardline' }),
      };
      return { platformSpecificBuildOptions: platform, config: builder, info, expandMacro: (s: string) => s } as never;
    }

    it('publishes nowhere, so no app-update.yml is written, even with a GitHub token about (CI)', async () => {
      vi.stubEnv('GH_TOKEN', 'token-on-a-ci-runner');
      expect(config.publish).toBeNull();
      await expect(
        getPublishConfigs(packagerFor(config, config.win), config.msi as never, null, false),
      ).resolves.toBeNull();
      await expect(getPublishConfigs(packagerFor(config, config.linux), null, null, false)).resolves.toBeNull();
    });

    it('would publish to GitHub (and ship an updater feed) if publish were left out', async () => {
      vi.stubEnv('GH_TOKEN', 'token-on-a-ci-runner');
      const unset = { ...config };
      delete unset.publish;
      await expect(getPublishConfigs(packagerFor(unset, unset.win), unset.msi as never, null, false)).resolves.toEqual([
        expect.objectContaining({ provider: 'github' }),
      ]);
    });

    it('has no auto-updater in its dependencies, direct or transitive', () => {
      const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      expect(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })).not.toContain('electron-updater');
      const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, unknown>;
      };
      expect(Object.keys(lock.packages).filter((key) => key.endsWith('node_modules/electron-updater'))).toEqual([]);
    });
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

  describe('as electron-builder loads it (electron-builder.config.ts, read at build time)', () => {
    afterEach(() => vi.unstubAllEnvs());

    const signingEnv = [
      'WARDLINE_RELEASE',
      'WARDLINE_SIGN_CERT_SUBJECT',
      'WARDLINE_AZURE_SIGN_ENDPOINT',
      'WARDLINE_AZURE_SIGN_ACCOUNT',
      'WARDLINE_AZURE_SIGN_PROFILE',
      'WARDLINE_AZURE_SIGN_PUBLISHER',
    ];
    function stubEnv(values: Record<string, string>): void {
      for (const name of signingEnv) vi.stubEnv(name, values[name] ?? '');
    }
    const load = () => getConfig(repoRoot, 'electron-builder.config.ts', null);

    it('packages locally unsigned, without forcing signing', async () => {
      stubEnv({});
      const loaded = await load();
      expect(loaded.win?.forceCodeSigning).toBe(false);
      expect(loaded.win?.signtoolOptions).toBeUndefined();
      expect(loaded.win?.azureSignOptions).toBeUndefined();
      expect(loaded.msi?.upgradeCode).toBe(MSI_UPGRADE_CODE);
      await expect(validateConfiguration(loaded, quietLogger)).resolves.toBeUndefined();
    });

    it('packages a release signed from the environment, and forces signing', async () => {
      stubEnv({ WARDLINE_RELEASE: '1', WARDLINE_SIGN_CERT_SUBJECT: 'Example Hospital Trust' });
      const loaded = await load();
      expect(loaded.win?.forceCodeSigning).toBe(true);
      expect(loaded.win?.signtoolOptions).toEqual({
        certificateSubjectName: 'Example Hospital Trust',
        signingHashAlgorithms: ['sha256'],
      });
      await expect(validateConfiguration(loaded, quietLogger)).resolves.toBeUndefined();
    });

    it('packages a release signed by Azure Trusted Signing, in a shape its schema accepts', async () => {
      stubEnv({
        WARDLINE_RELEASE: '1',
        WARDLINE_AZURE_SIGN_ENDPOINT: 'https://weu.codesigning.azure.net/',
        WARDLINE_AZURE_SIGN_ACCOUNT: 'wardline-signing',
        WARDLINE_AZURE_SIGN_PROFILE: 'wardline-public-trust',
        WARDLINE_AZURE_SIGN_PUBLISHER: 'Example Hospital Trust',
      });
      const loaded = await load();
      expect(loaded.win?.forceCodeSigning).toBe(true);
      expect(loaded.win?.azureSignOptions).toEqual({
        endpoint: 'https://weu.codesigning.azure.net/',
        codeSigningAccountName: 'wardline-signing',
        certificateProfileName: 'wardline-public-trust',
        publisherName: 'Example Hospital Trust',
      });
      await expect(validateConfiguration(loaded, quietLogger)).resolves.toBeUndefined();
    });

    it('stops a release with no signing configured, naming the variables to set', async () => {
      stubEnv({ WARDLINE_RELEASE: '1' });
      await expect(load()).rejects.toThrow(
        /\[signing_missing\].*WARDLINE_SIGN_CERT_SUBJECT.*WARDLINE_AZURE_SIGN_ENDPOINT/,
      );
    });
  });
});
