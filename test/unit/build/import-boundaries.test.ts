// The rule "where code runs decides what it may import", as ESLint enforces it (eslint.config.js):
// the app never imports the server nor the server the app; shared/node/ serves both and imports
// neither; the renderer and preload never reach Node code; shared/ itself stays free of Node.
// Each case lints one import line as if it were written at that path, with only the import rule.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({
  cwd: process.cwd(),
  // Only the boundary rule: the type-aware rules need a file on disk in a tsconfig.
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

async function refused(filePath: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath });
  return (result?.messages ?? []).some((message) => message.ruleId === 'no-restricted-imports');
}

describe('import boundaries', () => {
  // Loading the config and its plugins takes seconds on a busy machine: once, before the cases.
  beforeAll(() => refused('main/core/app-core.ts', 'node:path'), 60_000);

  it.each([
    ['main/audit/compliance-search.ts', '../../server/audit/trail-verifier', 'the app imports the server'],
    ['main/electron/main.ts', '../../server/server', 'the Electron glue imports the server'],
    ['main/core/app-core.ts', '../../launch/browser-host-cli', 'the app imports a launcher'],
    ['server/server.ts', '../main/core/app-core', 'the server imports the app'],
    ['server/audit/export-formats.ts', '../../renderer/src/App', 'the server imports page code'],
    ['shared/node/audit/trail-verifier.ts', '../../../server/db/schema', 'shared Node code imports the server'],
    ['shared/node/fhir/fhir-bundle.ts', '../../../main/audit/audit-trail', 'shared Node code imports the app'],
    ['shared/audit/audit-event.ts', 'node:crypto', 'shared/ imports Node'],
    ['shared/audit/audit-event.ts', '../node/crypto/base64', 'shared/ imports shared Node code'],
    ['renderer/src/App.tsx', '../../shared/node/crypto/base64', 'the renderer imports Node code'],
    ['preload/api-factory.ts', '../shared/node/crypto/sodium', 'the preload imports Node code'],
    ['preload/api-factory.ts', '../main/ipc/router', 'the preload imports main'],
  ])('%s may not import %s (%s)', async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(true);
  });

  it.each([
    ['main/audit/compliance-search.ts', '../../shared/node/audit/trail-verifier'],
    ['server/audit/verify-cli.ts', '../../shared/node/audit/trail-verifier'],
    ['shared/node/audit/trail-verifier.ts', '../../audit/audit-chain'],
    ['launch/browser-host-cli.ts', '../server/server'],
    ['launch/browser-host-cli.ts', '../main/core/app-core'],
    ['renderer/src/App.tsx', '../../shared/ipc/contract'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(false);
  });
});
