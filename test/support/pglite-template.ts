/**
 * A copy of a freshly initialised PGlite folder for test servers. PGlite's first start runs initdb in
 * WebAssembly (~3.5 s of CPU on this machine, against ~0.7 s to reopen a folder), and the suite
 * starts hundreds of servers on a 2-core machine where CPU is what bounds its time.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Test servers start from a
 * copy of a freshly initialised, never-migrated PGlite folder, made once per PGlite version and
 * shared by every test file; the server then opens and migrates it exactly as it would reopen
 * its own. Tests that need the genuine first start pass `freshDatabase: true` (and the CLI test
 * always has one).
 */
async function pgliteTemplate(): Promise<string> {
  const manifest = path.resolve(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const template = path.join(os.tmpdir(), `wardline-test-pglite-${version}`);
  if (existsSync(path.join(template, 'PG_VERSION'))) return template;
  const staging = mkdtempSync(`${template}-staging-`);
  try {
    const db = await PGlite.create(path.join(staging, 'data'));
    await db.close();
    renameSync(path.join(staging, 'data'), template);
  } catch (error) {
    // Another test file made it first: use theirs.
    if (!existsSync(path.join(template, 'PG_VERSION'))) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return template;
}

/** Gives a new data dir the template's PGlite folder, where the server looks for its database. */
export async function seedPgliteFromTemplate(dataDir: string): Promise<void> {
  cpSync(await pgliteTemplate(), path.join(dataDir, 'pglite'), { recursive: true });
}
