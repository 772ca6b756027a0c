// Packaging for hospital deployment: a per-machine MSI for Windows (Group Policy / SCCM / Intune),
// plus Linux packages. Build on a machine that can fetch the Electron runtime and headers:
// `electron-builder --config electron-builder.config.ts` (npm run package). electron-builder calls
// the default export on each build, so the environment is read when packaging, not on import.
// Unit tests: test/unit/build/electron-builder-config.test.ts and code-signing.test.ts.
import type { Configuration, WindowsConfiguration } from 'electron-builder';

/**
 * The MSI upgrade code: Windows Installer finds the installed Wardline by it, so a new MSI with
 * the same code replaces the old one (a major upgrade). It must NEVER change: a different code
 * installs a second Wardline beside the first. It is the code electron-builder derived from the
 * appId `org.wardline.client` before it was pinned, so those installs upgrade too; pinned, a
 * rename of the appId no longer changes it.
 */
export const MSI_UPGRADE_CODE = 'C252393B-7D0C-5C5E-8866-F39B3ABFC301';

/** `1` packages a release, which must be signed; unset (or `0`) packages for local use. */
export const RELEASE_ENV = 'WARDLINE_RELEASE';
/** signtool with a code-signing certificate in the Windows certificate store (a token or HSM). */
export const SUBJECT_ENV = 'WARDLINE_SIGN_CERT_SUBJECT';
/** Azure Trusted Signing: all four, or none. */
export const AZURE_ENV = {
  endpoint: 'WARDLINE_AZURE_SIGN_ENDPOINT',
  codeSigningAccountName: 'WARDLINE_AZURE_SIGN_ACCOUNT',
  certificateProfileName: 'WARDLINE_AZURE_SIGN_PROFILE',
  publisherName: 'WARDLINE_AZURE_SIGN_PUBLISHER',
} as const;

type Env = Readonly<Record<string, string | undefined>>;
type WinSigning = Pick<WindowsConfiguration, 'signtoolOptions' | 'azureSignOptions'>;

export type SigningDecision =
  | { ok: true; release: boolean; signing: WinSigning }
  | {
      ok: false;
      code: 'release_flag_invalid' | 'signing_missing' | 'signing_incomplete' | 'signing_ambiguous';
      message: string;
    };

/** A variable set to blanks is as good as unset. Values never go into messages. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

const azureNames = Object.values(AZURE_ENV);

/**
 * Which way to sign, from the environment. A release must be signed; a local build signs only
 * if it is given a signing method. A half-configured or doubly-configured method is refused
 * either way rather than guessed at.
 */
export function decideSigning(env: Env): SigningDecision {
  const flag = read(env, RELEASE_ENV);
  if (flag !== undefined && flag !== '0' && flag !== '1') {
    return {
      ok: false,
      code: 'release_flag_invalid',
      message: `${RELEASE_ENV} must be 1 (a signed release) or unset or 0 (local packaging).`,
    };
  }
  const release = flag === '1';
  const subject = read(env, SUBJECT_ENV);
  const azureSet = azureNames.filter((name) => read(env, name) !== undefined);

  if (subject !== undefined && azureSet.length > 0) {
    return {
      ok: false,
      code: 'signing_ambiguous',
      message: `Both ${SUBJECT_ENV} and ${azureSet.join(', ')} are set: choose one signing method.`,
    };
  }
  if (azureSet.length > 0 && azureSet.length < azureNames.length) {
    const missing = azureNames.filter((name) => !azureSet.includes(name));
    return {
      ok: false,
      code: 'signing_incomplete',
      message: `Azure Trusted Signing is partly configured: also set ${missing.join(', ')}.`,
    };
  }
  if (subject !== undefined) {
    // SHA-256 only: left unset, electron-builder signs the MSI with SHA-1.
    return {
      ok: true,
      release,
      signing: { signtoolOptions: { certificateSubjectName: subject, signingHashAlgorithms: ['sha256'] } },
    };
  }
  if (azureSet.length > 0) {
    // All four are set (checked above); `?? ''` only satisfies the type.
    const value = (name: string): string => read(env, name) ?? '';
    const azureSignOptions = {
      endpoint: value(AZURE_ENV.endpoint),
      codeSigningAccountName: value(AZURE_ENV.codeSigningAccountName),
      certificateProfileName: value(AZURE_ENV.certificateProfileName),
      publisherName: value(AZURE_ENV.publisherName),
    };
    return { ok: true, release, signing: { azureSignOptions } };
  }
  if (release) {
    return {
      ok: false,
      code: 'signing_missing',
      message:
        `A release build (${RELEASE_ENV}=1) must be signed. Set ${SUBJECT_ENV} (signtool, certificate ` +
        `in the Windows certificate store), or ${azureNames.join(', ')} (Azure Trusted Signing).`,
    };
  }
  return { ok: true, release: false, signing: {} };
}

/** The whole configuration for a decided signing method. */
export function builderConfig(decision: { release: boolean; signing: WinSigning }): Configuration {
  return {
    appId: 'org.wardline.client',
    productName: 'Wardline',
    copyright: 'Wardline',
    directories: { output: 'release', buildResources: 'build' },
    files: [
      'out/**',
      'package.json',
      // The browser host is for tests and development only: never shipped.
      '!**/browser-host/**',
      '!dist/**',
      '!test/**',
      '!bench/**',
    ],
    // The Group Policy templates (npm run policy:admx), beside the app for IT to copy to the
    // PolicyDefinitions store: <install dir>/resources/policy-templates.
    extraResources: [{ from: 'build/policy-templates', to: 'policy-templates', filter: ['**/*.admx', '**/*.adml'] }],
    extraMetadata: { main: 'out/main/main.cjs' },
    asar: true,
    // Native modules (the SQLCipher binding) are rebuilt for Electron's ABI at packaging time.
    npmRebuild: true,
    // Every fuse is set explicitly (the unit test fails when Electron defines a new one).
    electronFuses: {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    },
    // No self-update: IT deploys every version. Explicitly null, or electron-builder picks a
    // provider from a GH_TOKEN (or similar) in the environment and writes app-update.yml.
    publish: null,
    win: {
      target: [{ target: 'msi', arch: ['x64'] }],
      // A release fails rather than ship an unsigned file.
      forceCodeSigning: decision.release,
      ...decision.signing,
    },
    msi: {
      upgradeCode: MSI_UPGRADE_CODE,
      // Wardline-1.2.3.msi: no spaces for deployment command lines (the default is "Wardline 1.2.3.msi").
      artifactName: '${productName}-${version}.${ext}',
      perMachine: true,
      oneClick: false,
      runAfterFinish: false,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
      shortcutName: 'Wardline',
    },
    linux: {
      target: ['deb', 'AppImage'],
      category: 'Network;InstantMessaging',
      maintainer: 'Wardline',
    },
  };
}

/** electron-builder's entry: a refused signing decision stops the build with its message. */
export default function electronBuilderConfig(): Configuration {
  const decision = decideSigning(process.env);
  if (!decision.ok) throw new Error(`[${decision.code}] ${decision.message}`);
  return builderConfig(decision);
}
