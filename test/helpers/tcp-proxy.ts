import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL), that a test can cut and restore:
 * what a network partition, a failover or a database restart looks like from the application.
 */
export interface TcpProxy {
  /** The port it listens on (kept across cut/restore). */
  readonly port: number;
  /** Connections it accepted so far. */
  readonly accepted: number;
  /** Connections open right now. */
  readonly open: number;
  /**
   * Takes the database away: every open connection is reset (both sides) and new ones are refused
   * (the port stops listening, so a connect fails with ECONNREFUSED). Resolves once nothing is open.
   */
  cut(): Promise<void>;
  /** Brings it back on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy from a free port on 127.0.0.1 to `target`.
 * @example const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 }); await proxy.cut(); await proxy.restore();
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    const s = createServer((client) => {
      accepted++;
      const upstream = connect(target.port, target.host);
      const pair: [Socket, Socket] = [client, upstream];
      pairs.add(pair);
      const drop = () => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };

  const cut = async () => {
    const s = server;
    server = undefined;
    const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
    // A reset, not a polite close: the application sees its connections die mid-query.
    for (const [client, upstream] of pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
    await closed;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    cut,
    async restore() {
      if (!server) await listen();
    },
    close: cut,
  };
}
