/**
 * After a migration attempt ends (success, failure, abort, timeout, cancel) the
 * authority is libvirt's view of BOTH hosts, not virsh's exit code (Nova's lesson:
 * five possible end states). We drive every attempt to one of two good end states
 * — guest running on exactly one host and persistent on exactly one (the same) —
 * and never destroy a copy that is the only running one.
 *
 * Nothing is touched while the source still has a migration job (`domjobinfo`): a
 * libxl migration cannot be aborted, and any destroy/resume/undefine issued during it
 * can land after it completed (issue 12: a destroy that lands on the guest that has
 * just arrived loses it on both hosts). So a paused source copy — libxl may leave a
 * failed migration's guest paused — is resumed only once the source job is gone and the
 * destination runs no copy.
 */
import type { VirshRunner } from '../libvirt/runner.js';
import { domJobInfoRaw } from '../libvirt/migration.js';
import { parseJobStats } from './job-stats.js';
import { classifyVirsh } from './virsh-errors.js';
import {
  type DomainPresence,
  definePersistent,
  destroyIfPresent,
  inspectQuietly,
  resume,
  undefineIfPresent,
} from './domain-ops.js';

export type EndState =
  /** Running and persistent on the destination only. */
  | 'moved'
  /** Running and persistent on the source only. */
  | 'stayed'
  /** Running on both: never touched automatically. */
  | 'split-brain'
  /** Running nowhere (crashed or shut down during the attempt). */
  | 'not-running'
  /** A host could not be inspected. */
  | 'unknown';

export interface ReconcileResult {
  end: EndState;
  source: DomainPresence & { error?: string };
  dest: DomainPresence & { error?: string };
  /** What we did, in order, for the log and the summary ("resumed on source", …). */
  actions: string[];
  /** Actions that failed; the state may then still be a half-state, said plainly. */
  problems: string[];
}

export interface ReconcileInput {
  runner: VirshRunner;
  sourceUri: string;
  destUri: string;
  domain: string;
  /** Whether the guest was persistent on the source before we started (it should stay so if it stays). */
  wasPersistent: boolean;
}

/** A cancel that needed an action waits this long before the next look: keep it short (cancel latency). */
const SETTLE_MS = 50;
const SETTLE_AGAIN_MS = 250;
/** How long to wait for a still-running source job before giving up untouched. */
const JOB_WAIT_MS = 120_000;

/** Is a migration job still active on the source copy? Unknown (host error) counts as active. */
async function sourceJobActive(runner: VirshRunner, uri: string, domain: string): Promise<boolean> {
  const r = await domJobInfoRaw(runner, uri, domain);
  const kind = classifyVirsh(r);
  if (kind === 'not-found') return false;
  if (kind) return true;
  const t = parseJobStats(r.stdout).type;
  return t === 'bounded' || t === 'unbounded' || t === 'unknown';
}

const active = (p: DomainPresence) => p.state === 'running' || p.state === 'paused' || p.state === 'other';

/** One pass: inspect, act, re-inspect. Repeated until stable or `maxRounds`. */
export async function reconcile(inp: ReconcileInput, maxRounds = 3): Promise<ReconcileResult> {
  const actions: string[] = [];
  const problems: string[] = [];
  const { runner, sourceUri: su, destUri: du, domain } = inp;
  const attempt = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
      actions.push(what);
    } catch (e) {
      problems.push(`${what} failed: ${(e as Error).message}`);
    }
  };

  const jobDeadline = Date.now() + JOB_WAIT_MS;
  let staleDest = false;
  for (let round = 0; round < maxRounds; round++) {
    const [src, dst] = await Promise.all([inspectQuietly(runner, su, domain), inspectQuietly(runner, du, domain)]);
    const done = (end: EndState): ReconcileResult => ({ end, source: src, dest: dst, actions, problems });
    if (src.error || dst.error) {
      if (round === maxRounds - 1) return done('unknown');
      await sleep(500);
      continue;
    }
    let acted = false;
    let blocked = false;
    let guarded = false;
    const act = async (what: string, f: () => Promise<unknown>) => {
      acted = true;
      if (!guarded) {
        guarded = true;
        blocked = src.state !== 'absent' && (await sourceJobActive(runner, su, domain));
      }
      if (!blocked) await attempt(what, f);
    };

    if (src.state === 'running' && dst.state === 'running') return done('split-brain');

    if (dst.state === 'running') {
      // The guest lives on the destination: any source copy is a stale leftover.
      if (active(src)) await act('destroyed the stale copy on the source', () => destroyIfPresent(runner, su, domain));
      if (src.persistent) await act('removed the source definition', () => undefineIfPresent(runner, su, domain));
      if (!dst.persistent) await act('made the destination copy persistent', () => definePersistent(runner, du, domain));
      if (!acted) return done('moved');
    } else if (src.state === 'running' || src.state === 'paused') {
      // The guest stays on the source: clean the destination, then make sure it runs.
      if (active(dst) && !staleDest) {
        await act('destroyed the incoming copy on the destination', () => destroyIfPresent(runner, du, domain));
        // libxl: the destination still holds the incoming job of a migration whose source side is over
        // (the daemons' connection died between Prepare and Finish); it never runs, and libvirt frees it
        // only when that libvirtd restarts. Say so once instead of waiting 30 s per retry.
        if (!dst.persistent && /cannot acquire state change lock/.test(problems.at(-1) ?? '')) {
          staleDest = true;
          problems.push(`a stale incoming copy remains on the destination (${dst.state}, not defined, never started): libvirt keeps the aborted migration's job there until its libvirtd restarts (or remove the Xen domain with \`xl destroy ${domain}\` in that dom0)`);
        }
      }
      if (dst.persistent) await act('removed the destination definition', () => undefineIfPresent(runner, du, domain));
      if (src.state === 'paused') await act('resumed the guest on the source', () => resume(runner, su, domain));
      if (inp.wasPersistent && !src.persistent) await act('made the source copy persistent again', () => definePersistent(runner, su, domain));
      if (!acted) return done('stayed');
    } else if (src.state === 'absent' && dst.state === 'paused') {
      // Completed while paused (timeout action "suspend"): qemu keeps the pause on the
      // destination. We only migrate running guests, so running is the state to restore.
      await act('resumed the guest on the destination', () => resume(runner, du, domain));
      if (!dst.persistent) await act('made the destination copy persistent', () => definePersistent(runner, du, domain));
    } else {
      return done('not-running');
    }
    if (blocked) {
      if (Date.now() > jobDeadline) {
        problems.push(`a migration job is still active on the source after ${JOB_WAIT_MS / 1000} s: nothing was touched`);
        return done('unknown');
      }
      round--;
      await sleep(1000);
      continue;
    }
    // Our actions return when libvirt has done them; a short pause lets its event
    // handlers settle before looking again — longer if one look was not enough.
    await sleep(round === 0 ? SETTLE_MS : SETTLE_AGAIN_MS);
  }
  const [src, dst] = await Promise.all([inspectQuietly(runner, su, domain), inspectQuietly(runner, du, domain)]);
  const end: EndState =
    src.state === 'running' && dst.state === 'running' ? 'split-brain'
    : dst.state === 'running' && src.state === 'absent' && dst.persistent ? 'moved'
    : src.state === 'running' && (!active(dst) || (staleDest && dst.state !== 'running')) && !dst.persistent ? 'stayed'
    : 'unknown';
  return { end, source: src, dest: dst, actions, problems };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One line: where the guest runs and where it is defined. */
export function describeEnd(r: ReconcileResult): string {
  const where = (p: DomainPresence & { error?: string }) =>
    p.error ? `unreachable (${p.error})` : p.state === 'absent' ? 'absent' : `${p.state}${p.reason ? ` (${p.reason})` : ''}${p.persistent ? ', persistent' : ', transient'}`;
  const head: Record<EndState, string> = {
    moved: 'running on the destination only, defined there only',
    stayed: 'running on the source only, defined there only',
    'split-brain': 'RUNNING ON BOTH HOSTS — left untouched; stop one copy by hand',
    'not-running': 'running on neither host',
    unknown: 'end state could not be confirmed',
  };
  return `${head[r.end]} [source: ${where(r.source)}; destination: ${where(r.dest)}]`;
}
