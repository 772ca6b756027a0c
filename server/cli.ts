/**
 * Runs the server alone: `npm run server -- --data <dir> --port <p> [--demo] [--siem-…]`. Prints exactly
 * one line on stdout once it accepts connections, `server ready: <url> ca=<CA certificate
 * path>`; logs go to stderr. SIGINT or SIGTERM closes it gracefully.
 *
 * `--migrate-only --database-url <owner's URL> [--runtime-role <role>]` instead brings the
 * PostgreSQL schema up to date as its owner, grants the runtime role what the server needs
 * (db/runtime-role.ts), prints `schema migrated: version <n>[; runtime role <role> granted]` and exits.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCliArguments, USAGE } from './cli-arguments';
import { checkSiemClientCertificate, SIEM_IDENTITY_PROBLEMS } from './siem/siem-client-identity';
import { DataFolderUnsafeError } from './data-folder';
import { faultOf } from './logging/fault';
import { openDatabase } from './db/open-database';
import { grantRuntimeRole } from './db/runtime-role';
import { startServer, type ServerOptions } from './server';
import { schemaVersion } from './db/migrate';

const parsed = parseCliArguments(process.argv.slice(2), process.env);
if (!parsed.ok) {
  process.stderr.write(`${parsed.error}\n${USAGE}\n`);
  process.exit(2);
}
const command = parsed.value;
if (command.kind === 'migrate') {
  const { databaseUrl, runtimeRole } = command.migrate;
  try {
    // The URL is PostgreSQL's, so no data dir is opened.
    const db = await openDatabase({ dataDir: process.cwd(), databaseUrl });
    try {
      if (runtimeRole !== undefined) await grantRuntimeRole(db, runtimeRole);
      const version = await schemaVersion(db);
      process.stdout.write(
        `schema migrated: version ${String(version)}${runtimeRole === undefined ? '' : `; runtime role ${runtimeRole} granted`}\n`,
      );
    } finally {
      await db.close();
    }
    process.exit(0);
  } catch (error) {
    process.stderr.write(`migration failed (${faultOf(error)})\n`);
    process.exit(1);
  }
}
const { options } = command;

/** A usage error: the sentence, the usage, exit 2. */
const usage = (sentence: string): never => {
  process.stderr.write(`${sentence}\n${USAGE}\n`);
  process.exit(2);
};

let siem: ServerOptions['siem'];
if (options.siem !== undefined) {
  const { host, port, caFile, certFile, keyFile, enterpriseNumber, leaseMs } = options.siem;
  let caPem = '';
  try {
    caPem = readFileSync(path.resolve(caFile), 'utf8');
    // Checked now: a CA the forwarder cannot load would only show as endless reconnects.
    new X509Certificate(caPem);
  } catch (error) {
    usage(`--siem-ca must be a readable PEM certificate (${faultOf(error)})`);
  }
  let clientCertificate: { certPem: string; keyPem: string } | undefined;
  if (certFile !== undefined && keyFile !== undefined) {
    const read = (file: string, flag: string): string => {
      try {
        return readFileSync(path.resolve(file), 'utf8');
      } catch (error) {
        return usage(`${flag} must be a readable PEM file (${faultOf(error)})`);
      }
    };
    const checked = checkSiemClientCertificate({
      certPem: read(certFile, '--siem-cert'),
      keyPem: read(keyFile, '--siem-key'),
    });
    if (!checked.ok) usage(SIEM_IDENTITY_PROBLEMS[checked.error]);
    else clientCertificate = checked.value;
  }
  siem = {
    host,
    port,
    caPem,
    ...(clientCertificate === undefined ? {} : { clientCertificate }),
    ...(enterpriseNumber === undefined ? {} : { enterpriseNumber }),
    ...(leaseMs === undefined ? {} : { leaseMs }),
  };
}

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
    ...(siem === undefined ? {} : { siem }),
    ...(options.fhirCodeSystemBase === undefined ? {} : { fhirCodeSystemBase: options.fhirCodeSystemBase }),
    ...(options.archiveKeyFingerprint === undefined ? {} : { archiveKeyFingerprint: options.archiveKeyFingerprint }),
    ...(options.messageRetentionDays === undefined ? {} : { messageRetentionDays: options.messageRetentionDays }),
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
  // The operator's own folder path and what to do about it; nothing from inside the folder.
  if (error instanceof DataFolderUnsafeError) process.stderr.write(`${error.message}\n`);
  process.stderr.write(`server failed to start (${faultOf(error)})\n`);
  process.exit(1);
}
