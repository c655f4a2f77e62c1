/**
 * Screen 1's facts: is there a xend store, is xend still running, which libvirt
 * connections answer. Read-only: a `stat`, a walk of /proc, and one domain
 * listing per candidate URI through the libvirt layer.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Libvirt } from '../libvirt/client.js';
import type { VirshRunner } from '../libvirt/runner.js';
import type { HostFacts, UriProbe } from './types.js';

export interface DetectOptions {
  hostname: string;
  xendRoot: string;
  uris: readonly string[];
  runner: VirshRunner;
  /** Where to look for processes (tests point it at a fake tree). */
  procRoot?: string;
  timeoutMs?: number;
}

export async function detectHost(opts: DetectOptions): Promise<HostFacts> {
  const [xendRootExists, xendPid, uris] = await Promise.all([
    isDirectory(opts.xendRoot),
    findXend(opts.procRoot ?? '/proc'),
    Promise.all(opts.uris.map((u) => probeUri(opts.runner, u, opts.timeoutMs ?? 5000))),
  ]);
  return { hostname: opts.hostname, xendRoot: opts.xendRoot, xendRootExists, xendPid, uris };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** xend runs as `python /usr/sbin/xend start`: match the basename of any argv element. */
export async function findXend(procRoot: string): Promise<number | undefined> {
  let entries: string[];
  try {
    entries = await fs.readdir(procRoot);
  } catch {
    return undefined;
  }
  for (const pid of entries.filter((e) => /^\d+$/.test(e)).sort((a, b) => Number(a) - Number(b))) {
    try {
      const argv = (await fs.readFile(path.join(procRoot, pid, 'cmdline'), 'utf8')).split('\0').filter(Boolean);
      if (argv.slice(0, 2).some((a) => path.basename(a) === 'xend')) return Number(pid);
    } catch {
      // Processes come and go while we read; a vanished one is not xend.
    }
  }
  return undefined;
}

export async function probeUri(runner: VirshRunner, uri: string, timeoutMs: number): Promise<UriProbe> {
  try {
    const domains = await new Libvirt(runner, uri, { timeoutMs }).list();
    return { uri, ok: true, running: domains.filter((d) => d.state === 'running').map((d) => d.name) };
  } catch (e) {
    return { uri, ok: false, running: [], error: (e as Error).message };
  }
}
