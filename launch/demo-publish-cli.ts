/**
 * `npm run demo:publish -- --server <url> --ca <file> --accounts <demo-accounts.json>`: publishes
 * the demo accounts' keys on a demo server started on its own (the desktop app's `npm start`
 * does this on the server's first start). Development only, like the demo directory itself.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../main/logging/logger';
import { readServerEndpoint } from '../main/server-link/server-config';
import { publishDemoIdentities } from './demo-identities';

function fail(message: string): never {
  process.stderr.write(`demo:publish: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: { server: { type: 'string' }, ca: { type: 'string' }, accounts: { type: 'string' } },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : 'bad arguments');
  }
})();
if (values.server === undefined || values.ca === undefined || values.accounts === undefined)
  fail('--server, --ca and --accounts are required');
const endpoint = readServerEndpoint({ url: values.server, caFile: values.ca });
if (!endpoint.ok) fail(`server configuration refused (${endpoint.error})`);
const published = await publishDemoIdentities(endpoint.value, values.accounts, createLogger());
process.stdout.write(`demo accounts with published keys: ${String(published)}\n`);
