/**
 * The virsh calls a live migration needs. `virsh migrate` is started (not awaited)
 * so the caller can watch the job with `domjobinfo --rawstats` on the SOURCE
 * (destination-side job stats are unsupported) and cancel it with `domjobabort` where
 * the driver has it (qemu; libxl has not): killing `virsh migrate` does NOT cancel a
 * p2p migration — the source daemon drives it (seen on qemu and on real libxl) — so
 * the process is only ever killed after libvirt has settled.
 */
import type { RunningCall, VirshResult, VirshRunner } from './runner.js';

export interface StartMigrationOptions {
  sourceUri: string;
  /** Destination as seen from the SOURCE daemon (p2p semantics: the CLI's --peer-uri, default --to). */
  destUri: string;
  domain: string;
  /** MiB/s; qemu honours it, libxl rejects the parameter. */
  bandwidthMiB?: number;
  /** Hypervisor data channel, e.g. `tcp://10.0.0.2` (needed when hostnames resolve to localhost). */
  migrateUri?: string;
  /** Hard ceiling for the virsh process (virsh can hang); the job policy times out earlier. */
  timeoutMs: number;
  /** virsh's own `\rMigration: [ NN %]` lines, already parsed. */
  onVirshPercent?: (percent: number) => void;
}

/** The argv after `virsh -c SOURCE` for a persistent p2p live migration. */
export function migrateArgs(o: Pick<StartMigrationOptions, 'destUri' | 'domain' | 'bandwidthMiB' | 'migrateUri'>): string[] {
  // `-k 0`: no keepalive on this one long call. A busy source libvirtd can go 30 s without answering
  // pings while libxl sends a guest (seen on the Xen rig); the p2p migration runs in the daemon anyway,
  // and our monitor and the hard timeout watch it, so a dropped client would only blind us.
  const args = ['-k', '0', 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', '--verbose'];
  if (o.bandwidthMiB !== undefined) args.push('--bandwidth', String(o.bandwidthMiB));
  if (o.migrateUri) args.push('--migrateuri', o.migrateUri);
  // `--` keeps a domain named like an option from being read as one.
  args.push('--', o.domain, o.destUri);
  return args;
}

const VIRSH_PERCENT = /Migration: \[\s*(\d+(?:\.\d+)?)\s*%\]/g;

/** Percent values in a chunk of `virsh migrate --verbose` stderr. */
export function parseVirshPercent(chunk: string): number[] {
  return [...chunk.matchAll(VIRSH_PERCENT)].map((m) => Number(m[1]));
}

export function startMigration(runner: VirshRunner, o: StartMigrationOptions): RunningCall {
  let carry = '';
  return runner.start({
    uri: o.sourceUri,
    args: migrateArgs(o),
    timeoutMs: o.timeoutMs,
    onStderr: (chunk) => {
      // Progress lines are \r-separated and can be split across chunks.
      const text = carry + chunk;
      const cut = Math.max(text.lastIndexOf('\r'), text.lastIndexOf('\n'));
      carry = cut >= 0 ? text.slice(cut + 1) : text;
      for (const p of parseVirshPercent(cut >= 0 ? text.slice(0, cut + 1) : '')) o.onVirshPercent?.(p);
    },
  });
}

const QUICK_MS = 15_000;

function run(runner: VirshRunner, uri: string, args: string[], timeoutMs = QUICK_MS): Promise<VirshResult> {
  return runner.start({ uri, args, timeoutMs }).result;
}

/** `domjobinfo --rawstats` on the source: `Job type: X` then `field: value` lines. */
export function domJobInfoRaw(runner: VirshRunner, uri: string, domain: string): Promise<VirshResult> {
  return run(runner, uri, ['domjobinfo', '--rawstats', '--', domain], 10_000);
}

/** virDomainAbortJob. Returns in ~0.02 s on qemu; "not supported by the connection driver" on libxl. */
export function domJobAbort(runner: VirshRunner, uri: string, domain: string): Promise<VirshResult> {
  return run(runner, uri, ['domjobabort', '--', domain], 10_000);
}

export function suspendDomain(runner: VirshRunner, uri: string, domain: string): Promise<VirshResult> {
  return run(runner, uri, ['suspend', '--', domain]);
}

export function resumeDomain(runner: VirshRunner, uri: string, domain: string): Promise<VirshResult> {
  return run(runner, uri, ['resume', '--', domain]);
}

export function setMaxDowntime(runner: VirshRunner, uri: string, domain: string, ms: number): Promise<VirshResult> {
  return run(runner, uri, ['migrate-setmaxdowntime', '--', domain, String(ms)]);
}

export function setMaxSpeed(runner: VirshRunner, uri: string, domain: string, mib: number): Promise<VirshResult> {
  return run(runner, uri, ['migrate-setspeed', '--', domain, String(mib)]);
}
