/**
 * A TCP relay on 127.0.0.1 in front of a server: a workstation pointed at it loses the network
 * when the test says so. `cut()` drops every connection and resets each new one (as a pulled
 * cable or a dead switch does to a client), `restore()` forwards again. TLS passes through
 * untouched, so the relay reads nothing; the server's certificate names 127.0.0.1, which is the
 * relay's address too. `delay(ms)` holds each chunk from the server that long before passing it
 * on (in order), as a slow link does.
 */
import net from 'node:net';

export interface TcpRelay {
  /** `https://127.0.0.1:<port>`: the address to give the workstation instead of the server's. */
  readonly url: string;
  /** Connections forwarded since the start (a reconnecting client shows up here). */
  readonly accepted: () => number;
  /** Drops every open connection now, and resets each new one until `restore`. */
  cut(): void;
  restore(): void;
  /** Holds every chunk from the server `ms` before forwarding it; 0 forwards at once again. */
  delay(ms: number): void;
  close(): Promise<void>;
}

export async function startTcpRelay(serverUrl: string): Promise<TcpRelay> {
  const upstream = new URL(serverUrl);
  const upstreamPort = Number(upstream.port);
  const upstreamHost = upstream.hostname.replace(/^\[|\]$/g, '');
  const open = new Set<net.Socket>();
  let cut = false;
  let accepted = 0;
  let delayMs = 0;

  const drop = (socket: net.Socket) => {
    if (!socket.destroyed) socket.resetAndDestroy();
  };

  const relay = net.createServer((client) => {
    if (cut) {
      drop(client);
      return;
    }
    accepted += 1;
    const server = net.connect({ host: upstreamHost, port: upstreamPort });
    for (const socket of [client, server]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // A reset on either side ends both: the client sees the network go, as it would.
      socket.on('error', () => {
        drop(client);
        drop(server);
      });
    }
    client.pipe(server);
    // Each chunk leaves `delayMs` after it came, in the order it came.
    let sent = Promise.resolve();
    server.on('data', (chunk: Buffer) => {
      const due = Date.now() + delayMs;
      sent = sent
        .then(() => new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()))))
        .then(() => {
          if (!client.destroyed) client.write(chunk);
        });
    });
    server.on('end', () => void sent.then(() => client.end()));
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = relay.address() as net.AddressInfo;

  return {
    url: `https://127.0.0.1:${String(port)}`,
    accepted: () => accepted,
    cut() {
      cut = true;
      for (const socket of open) drop(socket);
    },
    restore() {
      cut = false;
    },
    delay(ms) {
      delayMs = ms;
    },
    close() {
      cut = true;
      for (const socket of open) drop(socket);
      return new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
