/**
 * Running `archive:open` in tests (launch/archive-open.ts) with a fixed clock, account and
 * computer, and what the tests look at afterwards: the review folder, the log beside the package,
 * a package's manifest rewritten after it was made, and that nothing but the log was written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runArchiveOpen } from '../../launch/archive-open';
import { OPEN_LOG_FILE } from '../../shared/node/ediscovery/open-log';
import { PACKAGE_MANIFEST_FILE, type PackageManifest } from '../../shared/protocol/ediscovery-package';
import type { BuiltPackage } from './ediscovery-package';

const OPENED_AT = Date.UTC(2026, 11, 8, 10, 0, 0);

export async function open(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runArchiveOpen(argv, {
    now: () => OPENED_AT,
    osUser: () => 'reviewer.kim',
    host: () => 'legal-pc-7',
    readText: (file) => Promise.resolve(existsSync(file) ? readFileSync(file, 'utf8') : null),
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, out, err };
}

export const reviewOf = (built: BuiltPackage) => built.folder.replace(/\.wardline-matter$/, '.review');
export const logOf = (built: BuiltPackage) => readFileSync(path.join(built.root, OPEN_LOG_FILE), 'utf8');

/** The manifest rewritten by `edit` (after the digest and chain were made). */
export function tamper(built: BuiltPackage, edit: (manifest: PackageManifest) => void) {
  const file = path.join(built.folder, PACKAGE_MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as PackageManifest;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest));
}

/** Nothing written beside the package but the log. */
export function expectNothingWritten(built: BuiltPackage) {
  expect(existsSync(reviewOf(built))).toBe(false);
  expect(readdirSync(built.root).sort()).toEqual([OPEN_LOG_FILE, 'keys', path.basename(built.folder)].sort());
}
