/**
 * `virsh event --all --loop` on a URI: libvirt's own record of every define,
 * so "defined twice" is counted by libvirt, not by the code under test. On
 * the test driver the open connection also keeps the driver's state alive.
 */
import { spawn } from 'node:child_process';

export interface EventWatch {
  /** Lifecycle "Defined …" events seen for this domain so far. */
  defines(name: string): number;
  /** Every event line seen for this domain (for failure messages). */
  lines(name: string): string[];
  close(): Promise<void>;
}

export function watchEvents(uri: string): Promise<EventWatch> {
  return new Promise((resolve, reject) => {
    const child = spawn('virsh', ['-c', uri, 'event', '--all', '--loop'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('error', reject);
    // virsh prints nothing until an event arrives; give it a moment to register the callbacks.
    setTimeout(() => {
      if (child.exitCode !== null) return reject(new Error(`virsh event exited early (${child.exitCode})`));
      resolve({
        defines: (name) => out.split('\n').filter((l) => l.includes(`for domain '${name}': Defined`)).length,
        lines: (name) => out.split('\n').filter((l) => l.includes(`for domain '${name}'`)),
        async close() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    }, 700);
  });
}
