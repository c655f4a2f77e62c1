/**
 * Several migrations with per-host admission (HostSlots), one MigrationJob each,
 * and one cancel switch for the lot: queued jobs are dropped without touching a
 * host, running ones go through their cancellation and reconciliation.
 */
import type { CancelReason, JobObserver, JobResult } from './events.js';
import { MigrationJob, type MigrationJobOptions } from './job.js';
import type { DomainPreflight } from './preflight.js';
import { HostSlots, QueueCancelled } from './scheduler.js';

/** What every job of the batch shares; the per-domain facts come from its preflight. */
export interface BatchOptions extends Omit<MigrationJobOptions, 'domain' | 'domainMemoryBytes' | 'uuid' | 'wasPersistent'> {
  /** Concurrent migrations per host (outgoing on the source, incoming on the destination). */
  parallel: number;
}

export class MigrationBatch {
  private readonly slots: HostSlots;
  private readonly queueAbort = new AbortController();
  private readonly running = new Set<MigrationJob>();
  private cancelReason: CancelReason | undefined;
  /** Memory moved and wall time of the migrations completed so far: the estimate for the next (elapsed-only drivers). */
  private moved = { bytes: 0, ms: 0 };

  constructor(
    private readonly o: BatchOptions,
    private readonly observe: JobObserver = () => {},
  ) {
    this.slots = new HostSlots(o.parallel, o.parallel);
  }

  get cancelled(): CancelReason | undefined {
    return this.cancelReason;
  }

  /** Domains whose migration has started and not yet ended (reconciliation included). */
  inFlight(): string[] {
    return [...this.running].map((j) => j.domain);
  }

  /** Cancel everything; idempotent. */
  cancel(reason: CancelReason = 'signal'): void {
    if (this.cancelReason) return;
    this.cancelReason = reason;
    this.queueAbort.abort();
    for (const j of this.running) j.cancel(reason);
  }

  /** Migrate every domain whose preflight passed; results in input order. */
  async run(preflights: DomainPreflight[]): Promise<JobResult[]> {
    return Promise.all(preflights.map((p) => this.one(p)));
  }

  /** --assume-rate when given, else the rate this run's completed migrations achieved (labelled as such). */
  private rateFor(): { assumedRateMiB?: number; rateBasis?: string } {
    if (this.o.assumedRateMiB || this.moved.ms === 0) return {};
    const rate = this.moved.bytes / (1024 * 1024) / (this.moved.ms / 1000);
    return { assumedRateMiB: rate, rateBasis: `${rate.toFixed(1)} MiB/s, the rate of this run's earlier migrations` };
  }

  private async one(p: DomainPreflight): Promise<JobResult> {
    const { parallel: _parallel, ...shared } = this.o;
    // Made when the job starts, so it estimates from the migrations that ended while it queued.
    const make = () => new MigrationJob({ ...shared, ...this.rateFor(), domain: p.domain, domainMemoryBytes: p.facts?.memoryBytes, uuid: p.facts?.uuid, wasPersistent: p.persistent }, this.observe);
    let job = make();
    const started = Date.now();
    if (!p.ok) {
      const failed = p.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.detail}`);
      return job.finishUnstarted(started, `preflight failed: ${failed.join('; ')}`);
    }
    this.observe({ type: 'phase', domain: p.domain, phase: 'queued' });
    let release: () => void;
    try {
      release = await this.slots.acquire({ source: shared.sourceUri, dest: shared.destUri }, this.queueAbort.signal);
    } catch (e) {
      if (e instanceof QueueCancelled) {
        job.cancel('queue');
        return job.finishUnstarted(started, 'cancelled while queued; never started');
      }
      throw e;
    }
    try {
      // A cancel that raced with the grant must still stop this job before it starts.
      if (this.cancelReason) {
        job.cancel('queue');
        return job.finishUnstarted(started, 'cancelled while queued; never started');
      }
      job = make();
      this.running.add(job);
      const r = await job.run();
      if (r.ok && p.facts?.memoryBytes) {
        this.moved.bytes += p.facts.memoryBytes;
        this.moved.ms += r.durationMs;
      }
      return r;
    } finally {
      this.running.delete(job);
      release();
    }
  }
}
