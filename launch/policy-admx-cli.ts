/**
 * `npm run policy:admx [-- --out <dir>]`: writes the Group Policy templates generated from the
 * policy schema, `<dir>/wardline.admx` and `<dir>/en-US/wardline.adml` (default
 * build/policy-templates, which is committed and shipped in the packaged build's resources). Run
 * it after changing the policy schema or catalogue; a unit test fails until it has been.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildPolicyTemplates } from './policy-admx-templates';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_TEMPLATES_DIR = path.join(repoRoot, 'build', 'policy-templates');

function fail(message: string): never {
  process.stderr.write(`policy:admx: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { out: { type: 'string' } }, strict: true });
  } catch (error) {
    return fail(error instanceof Error ? error.message : 'bad arguments');
  }
})();
const outDir = path.resolve(values.out ?? DEFAULT_TEMPLATES_DIR);
const { admx, adml } = buildPolicyTemplates();
await mkdir(path.join(outDir, 'en-US'), { recursive: true });
const admxFile = path.join(outDir, 'wardline.admx');
const admlFile = path.join(outDir, 'en-US', 'wardline.adml');
await writeFile(admxFile, admx);
await writeFile(admlFile, adml);
process.stdout.write(`${admxFile}\n${admlFile}\n`);
