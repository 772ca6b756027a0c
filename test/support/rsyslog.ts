/**
 * A real Debian rsyslogd receiving syslog over TLS (RFC 5425) on loopback, standing in for a
 * hospital SIEM in the forwarding tests. Everything it needs lives in one temporary folder,
 * removed when it stops: its own config, pid file, work directory, CA and server certificate
 * (made by the server's own certificate code) and the file it writes every received message to,
 * raw. It reads no system config, opens no /dev/log and loads no input but its one TLS
 * listener, so a system rsyslog (if any) is untouched.
 *
 * With `clientAuth` it stands in for an IHE ATNA receiver: it requires a client certificate from
 * its CA (`x509/certvalid`), or one naming a permitted peer (`x509/name`), with the clientAuth
 * purpose, and drops any connection without one right after the handshake (logging "peer did not
 * provide a certificate"). `clientCertificate()` issues one from that CA.
 *
 * A missing rsyslogd or TLS driver is an error, never a skip: `.ci/run` installs `rsyslog` and
 * `rsyslog-gnutls`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createCertificateAuthority,
  createServerCertificate,
  type CertificatePair,
} from '../../server/tls/certificates';
import { createClientCertificate } from './client-certificates';

/** Whether, and how, the listener requires a client certificate. */
export type RsyslogClientAuth =
  | { readonly mode: 'anon' }
  | { readonly mode: 'x509/certvalid' }
  | { readonly mode: 'x509/name'; readonly permittedPeers: readonly string[] };

export interface RsyslogOptions {
  /** Default anon: any client that checks the listener's certificate may send. */
  readonly clientAuth?: RsyslogClientAuth;
}

export interface RsyslogServer {
  readonly host: string;
  readonly port: number;
  /** The CA that signed the listener's certificate: what a forwarder pins, and what client certificates must chain to. */
  readonly caPem: string;
  /** A client certificate (clientAuth purpose) from the listener's CA, naming `commonName`. */
  clientCertificate(commonName: string): Promise<CertificatePair>;
  /** rsyslogd's own log so far (connections it refused, and why), across restarts. */
  diagnostics(): Promise<string>;
  /** Every message received so far, one per element, exactly as it arrived (framing removed). */
  readMessages(): Promise<string[]>;
  /** Resolves once at least `count` messages have arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs: number): Promise<string[]>;
  /** Stops the daemon (the listener closes, connections drop) and removes its folder; what it received is kept in memory. */
  stop(): Promise<void>;
  /** Starts it again, in a fresh folder, on the same port with the same certificate; `options` replaces the client authentication. */
  start(options?: RsyslogOptions): Promise<void>;
}

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

function rsyslogdPath(): string {
  const candidates = [process.env.WARDLINE_RSYSLOGD, '/usr/sbin/rsyslogd', '/sbin/rsyslogd'];
  const found = candidates.find((candidate) => candidate !== undefined && existsSync(candidate));
  if (found === undefined) {
    throw new Error(
      'rsyslogd not found (looked in $WARDLINE_RSYSLOGD, /usr/sbin, /sbin). Install it (apt-get install rsyslog rsyslog-gnutls): ' +
        'the SIEM forwarding tests run against a real rsyslog and never skip.',
    );
  }
  return found;
}

/** rsyslog loads its TLS driver as a plugin at run time, so its absence shows only in its own log. */
function requireGnutlsDriver(): void {
  const libraries = ['/usr/lib', '/usr/lib64', '/lib'];
  const roots = libraries.flatMap((library) => {
    if (!existsSync(library)) return [];
    const arches = readdirSync(library).map((entry) => path.join(library, entry, 'rsyslog'));
    return [path.join(library, 'rsyslog'), ...arches];
  });
  if (!roots.some((root) => existsSync(path.join(root, 'lmnsd_gtls.so')))) {
    throw new Error('rsyslog TLS driver lmnsd_gtls.so not found. Install it (apt-get install rsyslog-gnutls).');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function quoted(value: string): string {
  if (!/^[\w.@-]+$/.test(value)) throw new Error('a permitted peer is a plain name');
  return `"${value}"`;
}

function authSettings(clientAuth: RsyslogClientAuth): string {
  const mode = `streamDriver.authMode="${clientAuth.mode}"`;
  if (clientAuth.mode === 'anon') return mode;
  // The client's certificate must carry the clientAuth purpose, as an ATNA node's does.
  const purpose = `${mode}\n  streamDriver.CheckExtendedKeyPurpose="on"`;
  return clientAuth.mode === 'x509/certvalid'
    ? purpose
    : `${purpose}\n  permittedPeer=[${clientAuth.permittedPeers.map(quoted).join(', ')}]`;
}

function config(directory: string, port: number, clientAuth: RsyslogClientAuth): string {
  const file = (name: string) => path.join(directory, name);
  return `# Written by test/support/rsyslog.ts: one TLS listener, everything it receives to one file.
global(
  workDirectory="${file('work')}"
  net.enableDNS="off"
  maxMessageSize="64k"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="${file('ca.pem')}"
  defaultNetstreamDriverCertFile="${file('server.pem')}"
  defaultNetstreamDriverKeyFile="${file('server.key')}"
)
module(
  load="imtcp"
  streamDriver.name="gtls"
  streamDriver.mode="1"
  ${authSettings(clientAuth)}
  gnutlsPriorityString="NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
)
template(name="wardlineRaw" type="string" string="%rawmsg%\\n")
ruleset(name="received") {
  action(type="omfile" file="${file('received.log')}" template="wardlineRaw")
}
input(type="imtcp" address="${HOST}" port="${String(port)}" ruleset="received")
# rsyslogd's own diagnostics, for the error when it fails to start.
*.* action(type="omfile" file="${file('rsyslogd.log')}")
`;
}

async function readIfPresent(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/** Complete lines only: the last element is '' after a complete line, or a line still being written. */
async function readLines(file: string): Promise<string[]> {
  const lines = (await readIfPresent(file)).split('\n');
  lines.pop();
  return lines;
}

export async function startRsyslog(initial: RsyslogOptions = {}): Promise<RsyslogServer> {
  const rsyslogd = rsyslogdPath();
  requireGnutlsDriver();
  const port = await freePort();
  const now = Date.now();
  const ca = await createCertificateAuthority(now);
  const server = await createServerCertificate(ca, now);

  let child: ChildProcess | undefined;
  /** Exists while the daemon runs; removed on stop, so a test leaves nothing on disk. */
  let directory: string | undefined;
  /** What earlier runs received, kept across a stop and start. */
  const earlier: string[] = [];
  let output = '';
  let clientAuth: RsyslogClientAuth = initial.clientAuth ?? { mode: 'anon' };
  /** rsyslogd's own log from earlier runs. */
  let earlierDiagnostics = '';

  const removeDirectory = () => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  };

  const stop = async () => {
    const running = child;
    if (running !== undefined) {
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        sleep(STOP_TIMEOUT_MS, undefined, { ref: false }).then(() => false),
      ]);
      if (!stopped) {
        running.kill('SIGKILL');
        await exited;
      }
    }
    if (directory !== undefined) {
      earlier.push(...(await readLines(path.join(directory, 'received.log'))));
      earlierDiagnostics += `${output}${await readIfPresent(path.join(directory, 'rsyslogd.log'))}`;
      output = '';
    }
    removeDirectory();
  };

  const start = async (options?: RsyslogOptions) => {
    if (child !== undefined) throw new Error('rsyslogd is already running');
    if (options?.clientAuth !== undefined) clientAuth = options.clientAuth;
    const current = mkdtempSync(path.join(os.tmpdir(), 'wardline-rsyslog-'));
    directory = current;
    const file = (name: string) => path.join(current, name);
    writeFileSync(file('ca.pem'), ca.certPem);
    writeFileSync(file('server.pem'), server.certPem);
    writeFileSync(file('server.key'), server.keyPem, { mode: 0o600 });
    writeFileSync(file('rsyslog.conf'), config(current, port, clientAuth));
    mkdirSync(file('work'));
    output = '';
    const started = spawn(rsyslogd, ['-n', '-f', file('rsyslog.conf'), '-i', file('rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    started.once('exit', () => {
      if (child === started) child = undefined;
    });
    const fail = async (reason: string): Promise<never> => {
      const diagnostics = `${output}${await readIfPresent(file('rsyslogd.log'))}`.slice(-4000);
      await stop();
      throw new Error(`${reason}: ${diagnostics}`);
    };
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      const early = await Promise.race([exited, sleep(50).then(() => 'running' as const)]);
      if (early !== 'running') return fail(`rsyslogd exited during startup (${String(early)})`);
      if (await canConnect(port)) return;
      if (Date.now() > deadline) return fail(`rsyslogd did not listen on ${HOST}:${String(port)}`);
    }
  };

  // A crashed test run must not leave an rsyslogd or its folder behind.
  process.once('exit', () => {
    child?.kill('SIGKILL');
    removeDirectory();
  });

  const readMessages = async () => [
    ...earlier,
    ...(directory === undefined ? [] : await readLines(path.join(directory, 'received.log'))),
  ];

  await start();
  return {
    host: HOST,
    port,
    caPem: ca.certPem,
    clientCertificate: (commonName) => createClientCertificate(ca, Date.now(), commonName),
    diagnostics: async () =>
      `${earlierDiagnostics}${output}${directory === undefined ? '' : await readIfPresent(path.join(directory, 'rsyslogd.log'))}`,
    readMessages,
    async waitForMessages(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const messages = await readMessages();
        if (messages.length >= count) return messages;
        if (Date.now() > deadline)
          throw new Error(
            `rsyslog received ${String(messages.length)} of ${String(count)} messages in ${String(timeoutMs)} ms`,
          );
        await sleep(25);
      }
    },
    stop,
    start,
  };
}
