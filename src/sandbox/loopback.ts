import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/**
 * A real HTTP server on loopback that a fake or sandbox of a vendor builds on: `start` listens on
 * a free port (or `port`) and sets `url`, `stop` closes it; subclasses answer in `handle`.
 */
export abstract class LoopbackServer {
  url = '';
  private server: Server | null = null;

  /** Answers one request. */
  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** Starts on a free loopback port (or `port`). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    if (port) {
      await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
      this.url = `http://127.0.0.1:${port}`;
    } else this.url = await listenLoopback(this.server);
    return this;
  }

  /** Stops the server, dropping keep-alive connections. */
  async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
    this.server = null;
  }
}
