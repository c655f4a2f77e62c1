/** What every step gets: the ports, the options, the journal, and a way to tell the CLI what is happening. */
import type { CrashHook } from './crash-hook.js';
import type { JournalStore } from './journal.js';
import type { Manifest } from './manifest.js';
import type { Clock, DomainState, HypervisorPort, ReadDomainXml, SwitchRunner, XendSourcePort } from './ports.js';
import type { StatePoller } from './state-poller.js';

export interface UpgradeEvent {
  level: 'info' | 'warn' | 'fail' | 'ok' | 'debug';
  domain?: string;
  message: string;
}

export interface UpgradeDeps {
  hv: HypervisorPort;
  source: XendSourcePort;
  readDomainXml: ReadDomainXml;
  switchRunner: SwitchRunner;
  clock: Clock;
  crashHook?: CrashHook;
  onEvent?: (e: UpgradeEvent) => void;
}

export interface UpgradeOptions {
  xendRoot?: string;
  xendConfig?: string;
  /** Target URI (default xen:///system, applied by the CLI). */
  to?: string;
  /** The admin typed --to (rather than getting the default); a resumed run checks it against the journal. */
  toExplicit?: boolean;
  from?: string;
  backupDir: string;
  dryRun?: boolean;
  resume?: boolean;
  rollback?: boolean;
  parallel: number;
  shutdownTimeoutMs: number;
  /** How long to wait for a started domain to report running. */
  startTimeoutMs?: number;
  force?: boolean;
  switchCommand?: string;
  switchTimeoutMs?: number;
  pauseForSwitch?: boolean;
  includeUnmanaged?: boolean;
  /** Limit the upgrade to these domain names or uuids (default: all). */
  only?: string[];
  /** --autostart NAME: in a group sharing a writable disk, the one domain the upgrade may start and autostart. */
  autostart?: string[];
  /** Ctrl-C: finish the steps in flight, journal them, start nothing new, do not switch. */
  signal?: AbortSignal;
  /** Poll interval for state changes (tests shorten it). */
  pollMs?: number;
}

export interface RunContext {
  deps: UpgradeDeps & { clock: Clock };
  opts: UpgradeOptions;
  store: JournalStore;
  manifest: Manifest;
  /** Shared state waits (one `list` per URI per tick). */
  poller: StatePoller;
  /**
   * States seen by the `list` calls of this process (plan, target snapshot):
   * lets a fresh run skip per-domain state checks. Empty on resume — then
   * every state is asked for, because time has passed.
   */
  seen: { from?: Map<string, DomainState>; to?: Map<string, DomainState> };
  /** Live XML of the source's domains, already being read while the plan was made (fresh runs). */
  sourceXml?: Map<string, Promise<string>>;
  emit(e: UpgradeEvent): void;
}
