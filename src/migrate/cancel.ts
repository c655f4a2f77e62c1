/**
 * Stopping a running migration so that the guest keeps running on the source — and
 * never an operation that could take effect after the migration completed.
 *
 * abort-job: virDomainAbortJob on the source (qemu: returns in ~0.02 s, libvirt
 *   rolls back by itself). Retried while libvirt says no job is active yet, because
 *   a cancel can arrive before the migration job exists.
 * wait: the driver cannot abort (libxl: `domjobabort` → "this function is not supported
 *   by the connection driver: virDomainAbortJob", seen on the Xen rig), so nothing is
 *   issued: the migration runs to its end and the caller reconciles. What else was tried
 *   on real libxl (test/xen/migrate-cancel.xen.test.ts, README): destroying the incoming
 *   copy on the destination queues behind the migration's job lock and, when the migration
 *   ends first, destroys the guest that has just arrived — lost on both hosts; killing the
 *   `virsh migrate` client changes nothing (the source daemon drives p2p). Breaking the
 *   migration TCP stream inside the source dom0 (`ss -K`) does stop it safely, but libvirt
 *   offers no call for it, so this tool cannot do it.
 * destroy-destination: qemu only, on explicit request — destroy the incoming, still PAUSED
 *   copy on the destination (looked up by UUID, never a namesake). Refused for libxl.
 * auto: abort-job where the driver has it, else wait; an "unsupported" answer also waits.
 */
import type { VirshRunner } from '../libvirt/runner.js';
import { domJobAbort } from '../libvirt/migration.js';
import { destroyIfPresent, domainState } from './domain-ops.js';
import { classifyVirsh, virshMessage } from './virsh-errors.js';

export { CANCEL_STRATEGIES, type CancelStrategy } from './cancel-strategies.js';
import type { CancelStrategy } from './cancel-strategies.js';
import type { DriverCaps } from './driver.js';
import type { CancelUsed } from './events.js';

/** The words for "this driver cannot abort": libxl's exactly as issue 12 asks. */
export function cannotAbortMessage(driver: string): string {
  return driver === 'libxl' ? LIBXL_CANNOT_ABORT : `the ${driver} driver cannot abort a running migration; waiting for it to end`;
}

/** What Ctrl-C says on libxl, word for word (issue 12). */
export const LIBXL_CANNOT_ABORT = 'libxl cannot abort a running migration; waiting for it to end';

export interface CancelTarget {
  runner: VirshRunner;
  /** The driver's table: without AbortJob (libxl) nothing is issued, the migration is waited for. */
  caps: Pick<DriverCaps, 'driver' | 'abortJob'>;
  sourceUri: string;
  destUri: string;
  domain: string;
  /** UUID of the guest on the source, so only its own incoming copy is destroyed. */
  uuid?: string;
  /** True once the `virsh migrate` process has exited: stop trying. */
  finished: () => boolean;
  /** Settles when `virsh migrate` exits, so retry waits end at once rather than at their next tick. */
  ended?: Promise<unknown>;
  /** Progress notes for the user ("driver has no AbortJob; destroying …"). */
  note?: (message: string) => void;
}

export interface CancelOutcome {
  /** The mechanism that took effect; 'wait' when the driver has none (nothing issued); 'none' when the migration ended first. */
  used: CancelUsed;
  /** libvirt refused AbortJob as unsupported (libxl). */
  abortUnsupported: boolean;
  messages: string[];
}

/** Re-check cadence while the incoming copy does not exist yet: each check is one ~30 ms virsh call. */
const RETRY_MS = 50;
/** After a failed call (host unreachable …): do not hammer the daemon. */
const ERROR_RETRY_MS = 250;

/** Sleep `ms`, or less when `ended` settles first (the migration is over: nothing left to cancel). */
function pause(ms: number, ended?: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void ended?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function cancelMigration(t: CancelTarget, strategy: CancelStrategy): Promise<CancelOutcome> {
  const messages: string[] = [];
  const note = (m: string) => {
    messages.push(m);
    t.note?.(m);
  };
  const wait = (abortUnsupported: boolean): CancelOutcome => {
    note(cannotAbortMessage(t.caps.driver));
    return { used: 'wait', abortUnsupported, messages };
  };
  // A driver without AbortJob gets no call at all: every other operation could land after the end.
  if (!t.caps.abortJob) return wait(true);
  if (strategy === 'destroy-destination') {
    const d = await destroyDestination(t, note);
    return { used: d ? 'destroy-destination' : 'none', abortUnsupported: false, messages };
  }
  const r = await abortJob(t, note);
  if (r === 'done') return { used: 'abort-job', abortUnsupported: false, messages };
  if (r === 'finished') return { used: 'none', abortUnsupported: false, messages };
  return wait(true);
}

async function abortJob(t: CancelTarget, note: (m: string) => void): Promise<'done' | 'unsupported' | 'finished'> {
  let lastError = '';
  while (!t.finished()) {
    const r = await domJobAbort(t.runner, t.sourceUri, t.domain);
    const kind = classifyVirsh(r);
    if (!kind) return 'done';
    if (kind === 'unsupported') {
      note(`libvirt: ${virshMessage(r)}`);
      return 'unsupported';
    }
    const msg = virshMessage(r);
    // "no job is active": the migration job is not there yet or just ended; retry until virsh exits.
    const noJobYet = kind === 'job-inactive' || kind === 'invalid-state';
    if (msg !== lastError) {
      lastError = msg;
      if (!noJobYet) note(`domjobabort failed (${msg}); retrying`);
    }
    await pause(noJobYet ? RETRY_MS : ERROR_RETRY_MS, t.ended);
  }
  return 'finished';
}

async function destroyDestination(t: CancelTarget, note: (m: string) => void): Promise<boolean> {
  // By UUID when known: one lookup that can only match the guest's own incoming copy,
  // never a namesake, and one virsh call (state + reason) before the destroy.
  const target = t.uuid ?? t.domain;
  const noted = new Set<string>();
  const noteOnce = (m: string) => {
    if (noted.has(m)) return;
    noted.add(m);
    note(m);
  };
  while (!t.finished()) {
    let wait = RETRY_MS;
    try {
      const dst = await domainState(t.runner, t.destUri, target);
      if (dst.state === 'running') {
        // The guest already runs there: the migration completed; killing it would lose the guest.
        note('the destination copy is already running (migration completed); not destroying it');
        return false;
      }
      if (dst.state === 'paused' && (await destroyIfPresent(t.runner, t.destUri, target)) === 'destroyed') {
        note('destroyed the incoming copy on the destination');
        // The stream is broken now; the source notices by itself and the caller reconciles.
        return true;
      }
    } catch (e) {
      noteOnce(`destroying the incoming copy failed: ${(e as Error).message}; retrying`);
      wait = ERROR_RETRY_MS;
    }
    // The incoming copy may not exist yet (prepare phase): look again soon, or stop as soon as virsh migrate ends.
    await pause(wait, t.ended);
  }
  return false;
}
