/**
 * A unix-socket relay in front of a libvirtd socket: stopping it is, for the
 * client, exactly a target daemon that went away mid-run (connections drop,
 * new ones are refused) — without stopping a rig daemon other suites share.
 */
import net from 'node:net';
import { rmSync } from 'node:fs';

export interface SocketProxy {
  path: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** `target` may be a function: asked at every new connection (a toolstack switch behind one socket). */
export function socketProxy(listenPath: string, target: string | (() => string)): SocketProxy {
  let server: net.Server | undefined;
  const open = new Set<net.Socket>();
  const proxy: SocketProxy = {
    path: listenPath,
    start: () =>
      new Promise((resolve, reject) => {
        rmSync(listenPath, { force: true });
        server = net.createServer((client) => {
          const upstream = net.connect(typeof target === 'string' ? target : target());
          for (const s of [client, upstream]) {
            open.add(s);
            s.once('close', () => open.delete(s));
            s.on('error', () => {});
          }
          client.pipe(upstream).pipe(client);
          client.once('close', () => upstream.destroy());
          upstream.once('close', () => client.destroy());
        });
        server.once('error', reject);
        server.listen(listenPath, () => resolve());
      }),
    stop: async () => {
      const s = server;
      server = undefined;
      for (const c of open) c.destroy();
      if (s) await new Promise<void>((r) => s.close(() => r()));
      rmSync(listenPath, { force: true });
    },
  };
  return proxy;
}
