/** `npm run archive:open`: the terminal around archive-open.ts. */
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { runArchiveOpen } from './archive-open';

process.exitCode = await runArchiveOpen(process.argv.slice(2), {
  now: () => Date.now(),
  osUser: () => userInfo().username,
  host: () => hostname(),
  readText: (file) => readFile(file, 'utf8').catch(() => null),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
