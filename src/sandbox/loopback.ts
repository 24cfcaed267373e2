import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';

/** Listens on a free loopback port; returns `http://127.0.0.1:<port>`. */
export async function listenLoopback(server: Server | NetServer): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Closes a server, dropping keep-alive connections first. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}
