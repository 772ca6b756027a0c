/** Every file below a folder, at any depth: what a scan of a data folder reads. */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
