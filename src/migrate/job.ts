/**
 * One live migration: start `virsh migrate` on the source, watch the job at ≤ 1 s
 * cadence, apply the policies (completion timeout → abort or suspend, stall and
 * non-convergence warnings), cancel on request, and finally reconcile both hosts.
 * The result says where the guest runs; `virsh migrate`'s exit code is only a hint.
 */
import type { VirshRunner } from '../libvirt/runner.js';
import { domJobInfoRaw, startMigration, suspendDomain } from '../libvirt/migration.js';
import { type CancelOutcome, type CancelStrategy, cancelMigration } from './cancel.js';
import type { DriverCaps } from './driver.js';
import type { CancelReason, JobObserver, JobPhase, JobResult } from './events.js';
import { type JobStats, parseJobStats } from './job-stats.js';
import { ProgressModel, type ProgressSnapshot } from './progress.js';
import { reconcile } from './reconcile.js';
import { classifyVirsh, virshMessage } from './virsh-errors.js';

export type TimeoutAction = 'abort' | 'suspend';

export interface MigrationJobOptions {
  runner: VirshRunner;
  sourceUri: string;
  /** The destination as WE reach it: monitoring, cancel, reconciliation. */
  destUri: string;
  /** The destination as the SOURCE daemon reaches it (`virsh migrate … PEER`, p2p); default destUri. */
  peerUri?: string;
  domain: string;
  caps: DriverCaps;
  bandwidthMiB?: number;
  migrateUri?: string;
  /** Completion timeout in seconds (0/undefined: none). */
  timeoutSec?: number;
  timeoutAction?: TimeoutAction;
  cancelStrategy?: CancelStrategy;
  /** Poll cadence; clamped to 100..1000 ms. */
  pollMs?: number;
  stallWindowMs?: number;
  assumedRateMiB?: number;
  /** Where assumedRateMiB came from (default "--assume-rate"). */
  rateBasis?: string;
  domainMemoryBytes?: number;
  uuid?: string;
  wasPersistent?: boolean;
  /** Ceiling for the virsh process itself (default 6 h). */
  hardTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class MigrationJob {
  private cancelReason: CancelReason | undefined;
  private wake: (() => void) | null = null;
  private phase: JobPhase = 'queued';

  constructor(
    private readonly o: MigrationJobOptions,
    private readonly observe: JobObserver = () => {},
  ) {}

  get domain(): string {
    return this.o.domain;
  }

  /** Ask the job to stop; idempotent (a second Ctrl-C changes nothing). */
  cancel(reason: CancelReason): void {
    if (this.cancelReason) return;
    this.cancelReason = reason;
    // Start cancelling right away (not at the next poll): every millisecond here is cancel latency.
    this.startCancel?.();
    this.wake?.();
  }

  private startCancel: (() => void) | null = null;

  private setPhase(phase: JobPhase, detail?: string): void {
    if (phase === this.phase) return;
    this.phase = phase;
    this.observe({ type: 'phase', domain: this.o.domain, phase, detail });
  }

  async run(): Promise<JobResult> {
    const o = this.o;
    const started = Date.now();
    const percentHistory: number[] = [];
    const progress = new ProgressModel({ domainMemoryBytes: o.domainMemoryBytes, assumedRateMiB: o.assumedRateMiB, rateBasis: o.rateBasis, stallWindowMs: o.stallWindowMs, driverHasByteStats: o.caps.byteStats });
    const pollMs = Math.min(1000, Math.max(100, o.pollMs ?? 500));
    const warned = new Set<string>();
    const warnOnce = (code: string, message: string) => {
      if (warned.has(code)) return;
      warned.add(code);
      this.observe({ type: 'warning', domain: o.domain, code, message });
    };
    const emitProgress = (p: ProgressSnapshot) => {
      if (p.percent !== undefined) percentHistory.push(p.percent);
      this.observe({ type: 'progress', domain: o.domain, progress: p });
    };

    this.setPhase('preparing');
    if (this.cancelReason) return this.finishUnstarted(started, `cancelled before start (${this.cancelReason})`);
    const call = startMigration(o.runner, {
      sourceUri: o.sourceUri,
      destUri: o.peerUri ?? o.destUri,
      domain: o.domain,
      bandwidthMiB: o.caps.bandwidth ? o.bandwidthMiB : undefined,
      migrateUri: o.migrateUri,
      timeoutMs: o.hardTimeoutMs ?? 6 * 3600_000,
    });
    let exited = false;
    const exit = call.result.then((r) => {
      exited = true;
      this.wake?.();
      return r;
    });

    // Assigned from the startCancel closure, so TypeScript must not narrow it to null.
    let cancelling = null as Promise<CancelOutcome> | null;
    let suspended = false;
    this.startCancel = () => {
      if (cancelling || exited || !this.cancelReason) return;
      this.setPhase('cancelling', this.cancelReason);
      cancelling = cancelMigration(
        {
          runner: o.runner,
          caps: o.caps,
          sourceUri: o.sourceUri,
          destUri: o.destUri,
          domain: o.domain,
          uuid: o.uuid,
          finished: () => exited,
          ended: exit,
          note: (m) => this.observe({ type: 'note', domain: o.domain, message: m }),
        },
        o.cancelStrategy ?? 'auto',
      );
    };
    while (!exited) {
      if (this.cancelReason) this.startCancel();
      // A sample in flight when virsh migrate exits is not waited for: the verdict comes from reconciling.
      const stats = await Promise.race([this.sample(), exit.then(() => null)]);
      if (exited) break;
      if (stats && stats.type !== 'none') {
        if (!cancelling && !suspended) this.setPhase('transferring');
        const snap = progress.update(stats, Date.now());
        if (snap) {
          emitProgress(snap);
          if (snap.stalled) warnOnce('MIGRATION_STALLED', `remaining memory has not shrunk for ${Math.round((o.stallWindowMs ?? 30_000) / 1000)} s`);
          if (snap.notConverging) warnOnce('MIGRATION_NOT_CONVERGING', `the guest dirties memory (${snap.dirtyMiBPerSec?.toFixed(1)} MiB/s) at least as fast as it is sent (${snap.mibPerSec?.toFixed(1)} MiB/s)`);
        }
      }
      const elapsedSec = (Date.now() - started) / 1000;
      if (o.timeoutSec && elapsedSec > o.timeoutSec && !cancelling && !suspended) {
        if ((o.timeoutAction ?? 'abort') === 'abort') {
          warnOnce('MIGRATION_TIMEOUT', `not completed after ${o.timeoutSec} s: aborting`);
          this.cancel('timeout');
          continue;
        }
        suspended = true;
        warnOnce('MIGRATION_TIMEOUT', `not completed after ${o.timeoutSec} s: pausing the guest so the rest can be copied`);
        if (!o.caps.suspendDuringMigration) warnOnce('SUSPEND_UNSUPPORTED', `the ${o.caps.driver} driver cannot pause a guest during its migration job; waiting instead`);
        else {
          const r = await suspendDomain(o.runner, o.sourceUri, o.domain);
          if (classifyVirsh(r)) warnOnce('SUSPEND_FAILED', `pausing the guest failed: ${virshMessage(r)}`);
          else this.setPhase('suspended');
        }
      }
      // Woken early by exit or cancel; the timer is cleared so it never holds the process open.
      await new Promise<void>((r) => {
        const t = setTimeout(r, pollMs);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.wake = null;
    }

    const migrate = await exit;
    this.startCancel = null;
    const cancelOutcome = cancelling ? await cancelling : null;
    const migrateError = migrate.exitCode === 0 ? undefined : virshMessage(migrate);

    this.setPhase('reconciling');
    // If virsh itself was killed (hung), libvirt may still run the job; wait for it to end.
    if (migrate.timedOut) await this.waitJobGone(60_000);
    const rec = await reconcile({ runner: o.runner, sourceUri: o.sourceUri, destUri: o.destUri, domain: o.domain, wasPersistent: o.wasPersistent ?? true });
    const ok = rec.end === 'moved';
    if (ok) emitProgress(progress.complete(Date.now()));
    this.setPhase('done', rec.end);
    return {
      domain: o.domain,
      ok,
      reconcile: rec,
      cancelled: this.cancelReason,
      cancelUsed: cancelOutcome?.used,
      migrateError,
      durationMs: Date.now() - started,
      progress: progress.latest,
      percentHistory,
    };
  }

  /** Result for a job that never reached `virsh migrate`. */
  finishUnstarted(started: number, why: string): JobResult {
    this.setPhase('done', 'not started');
    return { domain: this.o.domain, ok: false, reconcile: null, cancelled: this.cancelReason, notStarted: why, durationMs: Date.now() - started, progress: null, percentHistory: [] };
  }

  private async sample(): Promise<JobStats | null> {
    const r = await domJobInfoRaw(this.o.runner, this.o.sourceUri, this.o.domain);
    if (classifyVirsh(r)) return null;
    return parseJobStats(r.stdout);
  }

  private async waitJobGone(maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    while (Date.now() < until) {
      const s = await this.sample();
      if (!s || s.type === 'none' || s.type === 'completed' || s.type === 'failed' || s.type === 'cancelled') return;
      await sleep(500);
    }
  }
}
