/**
 * The narrow surface the upgrade orchestrator needs from the outside world.
 * The orchestrator is written against these ports only, so unit tests drive it
 * with in-memory fakes and production wires the real libvirt layer, inventory
 * and converter in (see ./wiring.ts). Nothing here prints or exits.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { DomainModel } from '../convert/model.js';

/** libvirt's domain states as `virsh domstate` prints them. */
export type DomainState = 'running' | 'idle' | 'paused' | 'in shutdown' | 'shut off' | 'crashed' | 'pmsuspended' | 'no state' | string;

export interface ListedDomain {
  name: string;
  uuid: string;
  state: DomainState;
  /** Has a persistent definition (false for `xm create`/`virsh create` domains). */
  persistent?: boolean;
}

/** Failure kinds the orchestrator reacts to differently. */
export type HypervisorErrorKind = 'not-found' | 'invalid-state' | 'unsupported' | 'connection' | 'timeout' | 'rejected' | 'other';

/** What a port implementation throws; `kind` drives retries, holds and messages. */
export class HypervisorError extends Error {
  constructor(
    readonly kind: HypervisorErrorKind,
    message: string,
    readonly operation: string,
    readonly domain?: string,
  ) {
    super(message);
    this.name = 'HypervisorError';
  }
}

/** Every operation takes the connection URI explicitly: --from and --to are different hosts/drivers. */
export interface HypervisorPort {
  list(uri: string): Promise<ListedDomain[]>;
  /** Always with `--security-info` so VNC passwords survive; `inactive` adds `--inactive`. */
  dumpXml(uri: string, name: string, opts: { inactive: boolean }): Promise<string>;
  define(uri: string, xml: string): Promise<void>;
  undefine(uri: string, name: string): Promise<void>;
  start(uri: string, name: string): Promise<void>;
  /** Ask the guest to shut down (ACPI / PV control); returns at once. */
  shutdown(uri: string, name: string): Promise<void>;
  destroy(uri: string, name: string): Promise<void>;
  /** Throws HypervisorError kind 'not-found' when the domain does not exist. */
  state(uri: string, name: string): Promise<DomainState>;
  setAutostart(uri: string, name: string, on: boolean): Promise<void>;
  getAutostart(uri: string, name: string): Promise<boolean>;
}

/** One entry under the xend root, already read and converted. */
export interface XendEntry {
  /** Directory name under the root (xend uses the domain uuid). */
  entry: string;
  dir: string;
  configPath: string;
  /** Present when xend left a suspend image (`checkpoint.chk`). */
  checkpointPath?: string;
  name?: string;
  uuid?: string;
  /** Converted definition; absent when conversion failed. */
  xml?: string;
  model?: DomainModel;
  warnings: Diagnostic[];
  /** Problems that stop this domain from being upgraded (codes from inventory/converter). */
  errors: { code: string; message: string }[];
  /**
   * xm/xl config files backed up with this entry, each with the /etc/xen/auto links to it: the entry's own
   * .cfg when it came from one (then configPath is that file), or a .cfg naming the same domain as this store entry.
   */
  xmConfigs?: { path: string; autoLinks: string[] }[];
}

export interface XendSourcePort {
  /** Read every entry under `root`; never throws for one bad entry, only for an unreadable root. */
  read(root: string, opts: { xendConfig?: string }): Promise<XendEntry[]>;
}

/** The pinned model fields verification compares (a DomainModel has all of them). */
export interface PinnedDisk {
  target: string;
  device: 'disk' | 'cdrom' | 'floppy';
  source?: string;
  sourceType?: string;
  readonly: boolean;
  shareable: boolean;
}
export interface PinnedFields {
  name: string;
  uuid?: string;
  osType: 'pv' | 'hvm';
  memoryKiB: number;
  maxMemoryKiB: number;
  vcpus: number;
  disks: PinnedDisk[];
  nics: { mac?: string; bridge?: string }[];
  /**
   * Further settings as "what → value" (see read-back.ts): each one we defined
   * must come back equal; ones only libvirt has are its defaults, not losses.
   */
  facts?: Record<string, string>;
}

/** Domain XML → the pinned model fields, used to verify what libvirt stored. */
export type ReadDomainXml = (xml: string) => PinnedFields;

/** Runs the admin's --switch-command; resolves with its exit code and output tail. */
export interface SwitchRunner {
  run(command: string, opts: { timeoutMs: number }): Promise<{ exitCode: number | null; output: string; timedOut: boolean }>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
