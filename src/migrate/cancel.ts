/**
 * Stopping a running migration so that the guest keeps running on the source.
 *
 * abort-job: virDomainAbortJob on the source (qemu: returns in ~0.02 s, libvirt
 *   rolls back by itself). Retried while libvirt says no job is active yet, because
 *   a cancel can arrive before the migration job exists.
 * destroy-destination: for drivers without AbortJob (libxl) — destroy the incoming,
 *   still PAUSED copy on the destination so the stream breaks; the caller's
 *   reconciliation then resumes the source if the driver left it paused. A running
 *   destination copy is never destroyed: that would be the migrated guest itself.
 *   Looked up by the guest's UUID, so a namesake on the destination is never touched.
 *   Latency (bench/cancel): one `domstate` then the `destroy`, no poll tick in between;
 *   the destroy itself (libvirt stopping QEMU) is nearly all of the time.
 * auto: abort-job, switching to destroy-destination when libvirt answers with its
 *   "not supported by the connection driver" error.
 */
import type { VirshRunner } from '../libvirt/runner.js';
import { domJobAbort } from '../libvirt/migration.js';
import { destroyIfPresent, domainState } from './domain-ops.js';
import { classifyVirsh, virshMessage } from './virsh-errors.js';

export { CANCEL_STRATEGIES, type CancelStrategy } from './cancel-strategies.js';
import type { CancelStrategy } from './cancel-strategies.js';

export interface CancelTarget {
  runner: VirshRunner;
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
  /** The mechanism that took effect, or 'none' when nothing could be done (migration ended first, or unsupported). */
  used: 'abort-job' | 'destroy-destination' | 'none';
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
  if (strategy !== 'destroy-destination') {
    const r = await abortJob(t, note);
    if (r === 'done') return { used: 'abort-job', abortUnsupported: false, messages };
    if (r === 'finished') return { used: 'none', abortUnsupported: false, messages };
    if (strategy === 'abort-job') {
      note('abort-job is not supported by this driver; the migration continues and will be reconciled when it ends (use --cancel-strategy destroy-destination or auto)');
      return { used: 'none', abortUnsupported: true, messages };
    }
    note('driver has no AbortJob; destroying the incoming copy on the destination instead');
    const d = await destroyDestination(t, note);
    return { used: d ? 'destroy-destination' : 'none', abortUnsupported: true, messages };
  }
  const d = await destroyDestination(t, note);
  return { used: d ? 'destroy-destination' : 'none', abortUnsupported: false, messages };
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
