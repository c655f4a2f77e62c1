/**
 * What the hypervisor driver behind a URI can do for a migration. From the URI
 * scheme first (`xen://`, `xen+ssh://` → libxl; `qemu…` → qemu), then confirmed at
 * run time: `auto` cancellation reacts to libvirt's own "not supported" error text
 * rather than trusting this table alone.
 */
export type DriverName = 'qemu' | 'libxl' | 'test' | 'unknown';

export interface DriverCaps {
  driver: DriverName;
  /** virDomainAbortJob (domjobabort). Absent from the libxl driver table. */
  abortJob: boolean;
  /** migrate --bandwidth / migrate-setspeed. libxl rejects the parameter. */
  bandwidth: boolean;
  /** Job stats with byte counters; libxl has time_elapsed only. */
  byteStats: boolean;
  /** virsh suspend during an outgoing migration (the timeout "suspend" action). */
  suspendDuringMigration: boolean;
}

export function driverOfUri(uri: string): DriverName {
  const scheme = /^([a-z0-9]+)(?:\+[a-z0-9]+)?:/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'xen' || scheme === 'libxl') return 'libxl';
  if (scheme === 'qemu' || scheme === 'kvm') return 'qemu';
  if (scheme === 'test') return 'test';
  return 'unknown';
}

export function capsOf(driver: DriverName): DriverCaps {
  switch (driver) {
    case 'qemu':
      return { driver, abortJob: true, bandwidth: true, byteStats: true, suspendDuringMigration: true };
    case 'libxl':
      // Suspend needs the migration's own job lock on libxl and most likely times out.
      return { driver, abortJob: false, bandwidth: false, byteStats: false, suspendDuringMigration: false };
    default:
      return { driver, abortJob: true, bandwidth: true, byteStats: true, suspendDuringMigration: true };
  }
}

export interface UriCheck {
  /** Make the migration impossible; nothing is started. */
  errors: string[];
  /** Likely trouble worth saying before starting. */
  warnings: string[];
}

/** How to move guests across a toolstack boundary instead (issue 15: no live migration crosses it). */
export function coldMoveHint(from: string, to: string, domains: readonly string[] = []): string {
  const which = domains.length ? domains.map((d) => `--domain ${d}`).join(' ') : '--domain NAME ...';
  return `move the guests cold instead (shutdown here, define + start there; shared storage): xend2libxl upgrade --from ${from} --to ${to} --xend-root /var/lib/xend/domains --backup-dir DIR ${which}`;
}

/**
 * Problems of the URIs found before anything is contacted. `to` is how WE reach the
 * destination (preflight, monitoring, reconciliation); `peer` (default `to`) is how the
 * SOURCE daemon reaches it: `virsh migrate … PEER` (p2p), so the host-name rules apply to it.
 */
export function checkUris(from: string, to: string, migrateUri?: string, peer: string = to): UriCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const parse = (u: string) => {
    try {
      return new URL(u);
    } catch {
      return null;
    }
  };
  const f = parse(from);
  const t = parse(to);
  const p = parse(peer);
  const hint = ' (expected e.g. xen+ssh://host/system or qemu+tcp://host/system)';
  if (!f) problems.push(`--from '${from}' is not a libvirt URI${hint}`);
  if (!t) problems.push(`--to '${to}' is not a libvirt URI${hint}`);
  if (peer !== to && !p) problems.push(`--peer-uri '${peer}' is not a libvirt URI${hint}`);
  const flag = peer === to ? '--to' : '--peer-uri';
  if (f && t && p) {
    if (from === to) problems.push('--from and --to name the same URI: nothing to migrate');
    if (driverOfUri(from) !== driverOfUri(to)) {
      problems.push(`--from uses the ${driverOfUri(from)} driver but --to uses ${driverOfUri(to)}: a live migration cannot cross toolstacks; ${coldMoveHint(from, to)}`);
    }
    if (driverOfUri(peer) !== driverOfUri(to)) problems.push(`--peer-uri uses the ${driverOfUri(peer)} driver but --to uses ${driverOfUri(to)}: both must name the same destination daemon`);
    // p2p: the source DAEMON opens the peer URI, so a socket path or an empty host only works on the same machine.
    if (!p.hostname && !/socket=/.test(p.search)) problems.push(`${flag} '${peer}' has no host name; the source daemon must be able to reach the destination (p2p)${flag === '--to' ? '; give --peer-uri when it reaches it by another name' : ''}`);
    if (p.searchParams.has('socket')) problems.push(`${flag} '${peer}' is a local socket; the source daemon opens it itself, so give a network URI (e.g. --peer-uri qemu+tcp://HOST/system)`);
    if (driverOfUri(peer) === 'libxl' && !migrateUri && /^(localhost|127\.)/.test(p.hostname)) {
      warnings.push(`libxl refuses to migrate when the destination host name resolves to localhost ("migration requires an FQDN"); pass --migrate-uri tcp://ADDRESS, or --peer-uri with the name the source host knows the destination by`);
    }
  }
  if (migrateUri !== undefined && !/^tcp:\/\/[^/\s:]+(:\d{1,5})?\/?$/.test(migrateUri)) {
    problems.push(`--migrate-uri '${migrateUri}' must look like tcp://ADDRESS[:PORT]`);
  }
  return { errors: problems, warnings };
}
