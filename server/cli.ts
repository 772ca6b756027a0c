/**
 * Runs the server alone: `npm run server -- --data <dir> --port <p> [--demo]`. Prints exactly
 * one line on stdout once it accepts connections, `server ready: <url> ca=<CA certificate
 * path>`; logs go to stderr. SIGINT or SIGTERM closes it gracefully.
 */
import path from 'node:path';
import { parseCliArguments, USAGE } from './cli-arguments';
import { faultOf } from './logging/fault';
import { startServer } from './server';

const parsed = parseCliArguments(process.argv.slice(2), process.env);
if (!parsed.ok) {
  process.stderr.write(`${parsed.error}\n${USAGE}\n`);
  process.exit(2);
}
const { options } = parsed;

// Registered before anything can print the ready line: whoever reads that line may signal at once.
let stopServer: (() => void) | undefined;
const signalled = { stop: false };
const onSignal = () => {
  signalled.stop = true;
  stopServer?.();
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

try {
  const server = await startServer({
    dataDir: path.resolve(options.dataDir),
    port: options.port,
    host: options.host,
    demo: options.demo,
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  });
  stopServer = () => {
    void server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A signal during start-up is honoured now that there is something to close.
  if (signalled.stop) stopServer();
  else process.stdout.write(`server ready: ${server.url} ca=${server.caCertPath}\n`);
} catch (error) {
  process.stderr.write(`server failed to start (${faultOf(error)})\n`);
  process.exit(1);
}
