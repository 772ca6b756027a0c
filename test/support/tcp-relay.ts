/**
 * A TCP relay on 127.0.0.1 in front of a server: a workstation pointed at it loses the network
 * when the test says so. `cut()` drops every connection and resets each new one (as a pulled
 * cable or a dead switch does to a client), `restore()` forwards again. TLS passes through
 * untouched, so the relay reads nothing; the server's certificate names 127.0.0.1, which is the
 * relay's address too.
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
  close(): Promise<void>;
}

export async function startTcpRelay(serverUrl: string): Promise<TcpRelay> {
  const upstream = new URL(serverUrl);
  const upstreamPort = Number(upstream.port);
  const upstreamHost = upstream.hostname.replace(/^\[|\]$/g, '');
  const open = new Set<net.Socket>();
  let cut = false;
  let accepted = 0;

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
    server.pipe(client);
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
    close() {
      cut = true;
      for (const socket of open) drop(socket);
      return new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
