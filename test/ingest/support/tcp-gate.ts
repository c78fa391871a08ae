import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP forwarder on a free 127.0.0.1 port to `target`, that can be closed (connections refused, open ones cut) and
 * opened again: a dependency outage for one client without touching the shared service.
 */
export interface TcpGate {
  readonly port: number;
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpGate(targetHost: string, targetPort: number): Promise<TcpGate> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  return {
    port,
    open: async () => {
      if (server !== null) return;
      server = createServer((client) => {
        const upstream = createConnection({ host: targetHost, port: targetPort });
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    close: async () => {
      const closing = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (closing !== null) await new Promise((resolve) => closing.close(resolve));
    },
  };
}
