/**
 * The migration suites on the real Xen rig: tiny PV guests named `xr-mig-…` (other suites
 * share the two hosts), the built CLI spawned as an admin runs it (signals at chosen
 * moments), and "where is the guest" read from both libvirtds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import type { XenHost, XenRig } from '../xen-rig/xen-rig.js';

let seq = 0;
/** A domain name unique across runs, with this task's prefix. */
export function xenGuestName(tag: string): string {
  return `xr-mig-${tag}-${process.pid % 100000}-${seq++}`;
}

export const virshOn = (rig: XenRig, uri: string, ...args: string[]) => rig.runner.start({ uri, args, timeoutMs: 120_000 }).result;

/** Define + start a 128 MiB tiny guest on `host` and wait for READY (a PV guest migrated earlier fails to send). */
export async function startXenGuest(rig: XenRig, host: XenHost, name: string, cmdline = ''): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xr-mig-'));
  try {
    const file = path.join(dir, 'd.xml');
    writeFileSync(file, rig.guestXml({ name, memoryMiB: 128, cmdline }));
    const def = await virshOn(rig, host.uri, 'define', file);
    if (def.exitCode !== 0) throw new Error(`define ${name}: ${def.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await rig.clearConsole(host, name);
  // The shared rig can be so loaded that virsh's keepalive gives up (30 s) while libvirtd still starts the guest.
  for (let attempt = 1; ; attempt++) {
    const st = await virshOn(rig, host.uri, 'start', '--', name);
    if (st.exitCode === 0) break;
    const now = await presence(rig, host, name);
    if (now.state === 'running') break;
    if (attempt === 3 || !/keepalive|connection|Cannot recv/i.test(st.stderr)) throw new Error(`start ${name}: ${st.stderr}`);
  }
  await rig.waitForReady(host, name, 240_000);
}

export interface Presence {
  state: string;
  persistent: boolean;
}

export async function presence(rig: XenRig, host: XenHost, name: string): Promise<Presence> {
  const info = await virshOn(rig, host.uri, 'dominfo', '--', name);
  if (info.exitCode !== 0) return { state: 'absent', persistent: false };
  return { state: /^State:\s*(.*)$/m.exec(info.stdout)?.[1]?.trim() ?? '?', persistent: /^Persistent:\s*yes/m.test(info.stdout) };
}

/** Is a migration job running for `name` on `host` (domjobinfo type other than None)? */
async function jobActive(rig: XenRig, host: XenHost, name: string): Promise<boolean> {
  const r = await virshOn(rig, host.uri, 'domjobinfo', '--rawstats', '--', name);
  return r.exitCode === 0 && !/^Job type:\s*0\s*$/m.test(r.stdout);
}

export interface Settled {
  x1: Presence;
  x2: Presence;
  /**
   * A stale incoming copy: the guest runs (persistent, no job) on one host while the other still
   * shows a paused/shut-off TRANSIENT copy whose incoming-migration job never ends. Seen on the
   * overloaded rig when the p2p control connection between the daemons died (keepalive timeout)
   * between Prepare and Finish: libvirt's libxl driver then holds that job until libvirtd restarts
   * (`virsh destroy` there: "cannot acquire state change lock (held by
   * monitor=remoteDispatchDomainMigratePrepare3Params)"). It never runs and is not defined.
   */
  staleIncomingOn?: 'x1' | 'x2';
}

/**
 * Wait until no migration job runs for the guest (a second Ctrl-C leaves libxl migrating on
 * its own), then say where the guest is. Throws after `timeoutMs`.
 */
export async function settle(rig: XenRig, name: string, timeoutMs = 240_000): Promise<Settled> {
  const until = Date.now() + timeoutMs;
  let staleSince = 0;
  for (;;) {
    const [j1, j2] = [await jobActive(rig, rig.x1, name), await jobActive(rig, rig.x2, name)];
    const [x1, x2] = await Promise.all([presence(rig, rig.x1, name), presence(rig, rig.x2, name)]);
    // During an incoming migration the destination shows a transient "shut off"/paused copy.
    const transient = (p: Presence) => (p.state === 'shut off' || p.state === 'paused') && !p.persistent;
    if (!j1 && !j2 && !transient(x1) && !transient(x2)) return { x1, x2 };
    // The source side is over (running, persistent, no job) but the destination's incoming job lingers.
    const stale = !j1 && x1.state === 'running' && x1.persistent && transient(x2) ? 'x2' : !j2 && x2.state === 'running' && x2.persistent && transient(x1) ? 'x1' : undefined;
    if (stale) {
      staleSince ||= Date.now();
      if (Date.now() - staleSince > 60_000) return { x1, x2, staleIncomingOn: stale };
    } else staleSince = 0;
    if (Date.now() > until) throw new Error(`${name}: still migrating after ${timeoutMs} ms: x1 ${JSON.stringify(x1)} job ${j1}, x2 ${JSON.stringify(x2)} job ${j2}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function removeXenGuests(rig: XenRig, names: string[]): Promise<void> {
  for (const h of [rig.x1, rig.x2]) {
    for (const n of names) {
      await virshOn(rig, h.uri, 'destroy', '--', n);
      await virshOn(rig, h.uri, 'undefine', '--', n);
    }
  }
}

export interface CliChild {
  code: number | null;
  stdout: string;
  stderr: string;
  /** JSON lines of stdout, parsed. */
  events: Array<Record<string, any>>;
  /** Milliseconds from the first signal to the process's exit (-1: no signal was sent before it exited). */
  signalToExitMs: number;
  /** The signal that ended the process, when one did (code is then null). */
  signal: NodeJS.Signals | null;
}

export interface SignalPlan {
  /** Milliseconds after spawn. */
  atMs: number;
  signal?: NodeJS.Signals;
  /** Send it again this many ms later. */
  againAfterMs?: number;
  /** Called at the moment of the first signal (e.g. break the stream in dom0). */
  alsoDo?: () => Promise<unknown>;
}

/** Spawn `node bin/xend2libxl.js ARGS` as an admin would; optionally signal it. */
export function runXendCli(args: string[], plan?: SignalPlan, timeoutMs = 300_000): Promise<CliChild> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    let exited = false;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const timers: NodeJS.Timeout[] = [];
    if (plan) {
      timers.push(
        setTimeout(() => {
          if (exited) return;
          sentAt = Date.now();
          child.kill(plan.signal ?? 'SIGINT');
          void plan.alsoDo?.();
          if (plan.againAfterMs !== undefined) timers.push(setTimeout(() => !exited && child.kill(plan.signal ?? 'SIGINT'), plan.againAfterMs));
        }, plan.atMs),
      );
    }
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code, signal) => {
      exited = true;
      clearTimeout(watchdog);
      timers.forEach(clearTimeout);
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, any>);
      resolve({ code, stdout, stderr, events, signalToExitMs: sentAt ? Date.now() - sentAt : -1, signal });
    });
  });
}

/** Percentiles of a list of numbers (nearest rank), for latency reports. */
export function percentiles(xs: number[]): string {
  if (!xs.length) return 'none';
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return `n=${s.length} min ${s[0]} ms, p50 ${at(50)} ms, p90 ${at(90)} ms, max ${s[s.length - 1]} ms`;
}
