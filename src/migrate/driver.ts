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

/** Problems of an URI pair found before anything is contacted. */
export function checkUris(from: string, to: string, migrateUri?: string): UriCheck {
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
  if (!f) problems.push(`--from '${from}' is not a libvirt URI (expected e.g. xen+ssh://host/system or qemu+tcp://host/system)`);
  if (!t) problems.push(`--to '${to}' is not a libvirt URI (expected e.g. xen+ssh://host/system or qemu+tcp://host/system)`);
  if (f && t) {
    if (from === to) problems.push('--from and --to name the same URI: nothing to migrate');
    if (driverOfUri(from) !== driverOfUri(to)) problems.push(`--from uses the ${driverOfUri(from)} driver but --to uses ${driverOfUri(to)}`);
    // p2p: the source DAEMON opens the destination URI, so a socket path or an empty host only works on the same machine.
    if (!t.hostname && !/socket=/.test(t.search)) problems.push(`--to '${to}' has no host name; the source daemon must be able to reach the destination (p2p)`);
    if (t.searchParams.has('socket')) problems.push(`--to '${to}' is a local socket; the source daemon opens it itself, so give a network URI (e.g. qemu+tcp://HOST/system)`);
    if (driverOfUri(to) === 'libxl' && !migrateUri && /^(localhost|127\.)/.test(t.hostname)) {
      warnings.push(`libxl refuses to migrate when the destination host name resolves to localhost ("migration requires an FQDN"); pass --migrate-uri tcp://ADDRESS`);
    }
  }
  if (migrateUri !== undefined && !/^tcp:\/\/[^/\s:]+(:\d{1,5})?\/?$/.test(migrateUri)) {
    problems.push(`--migrate-uri '${migrateUri}' must look like tcp://ADDRESS[:PORT]`);
  }
  return { errors: problems, warnings };
}
