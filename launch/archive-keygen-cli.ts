/** `npm run archive:keygen`: the terminal around archive-keygen.ts. */
import { writeNewPrivateFiles } from '../shared/node/archive/archive-key-files';
import { loadSodium } from '../shared/node/crypto/sodium';
import { runArchiveKeygen } from './archive-keygen';

const sodium = await loadSodium();
process.exitCode = await runArchiveKeygen(process.argv.slice(2), {
  now: () => Date.now(),
  randomKey: () => sodium.randombytes_buf(32),
  writeFiles: writeNewPrivateFiles,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
