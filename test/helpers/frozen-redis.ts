// A Redis stand-in that can freeze: it answers the connection's ready check (INFO), then, while frozen,
// accepts commands and answers none (a Redis stuck in a long script or a paused VM); `thaw()` answers
// every command received so far in order (GET → nil), as a real server would once it resumes.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/** A running stand-in. */
export interface FrozenRedis {
  readonly url: string;
  /** Commands received so far (answered or not). */
  readonly commands: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

const INFO = 'redis_version:7.2.0\r\nloading:0\r\n';

// Commands are RESP arrays (`*<n>\r\n…`); the tests send short keys without `*`, so counting array
// headers at line starts counts commands.
function commandsIn(text: string): string[] {
  const names: string[] = [];
  const lines = text.split('\r\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.startsWith('*')) names.push((lines[i + 2] ?? '').toUpperCase());
  }
  return names;
}

/** Starts the stand-in on 127.0.0.1:0, not frozen. */
export async function startFrozenRedis(): Promise<FrozenRedis> {
  let frozen = false;
  let commands = 0;
  const pending: Array<{ socket: Socket; name: string }> = [];
  const sockets = new Set<Socket>();
  const answer = (socket: Socket, name: string): void => {
    if (socket.destroyed) return;
    if (name === 'INFO') socket.write(`$${INFO.length}\r\n${INFO}\r\n`);
    else if (name === 'GET') socket.write('$-1\r\n');
    else socket.write('+OK\r\n');
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const name of commandsIn(chunk.toString('latin1'))) {
        commands++;
        if (frozen && name !== 'INFO') pending.push({ socket, name });
        else answer(socket, name);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    get commands() {
      return commands;
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const { socket, name } of pending.splice(0)) answer(socket, name);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
