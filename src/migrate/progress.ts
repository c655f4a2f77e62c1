/**
 * Progress of one migration from successive job-stats samples.
 *
 * measured (qemu): percent = 100 − memory_remaining·100/memory_total (Nova: memory
 *   only, because re-dirtied pages make "processed" exceed the total), never going
 *   backwards and capped at 99 until libvirt reports success (vdsm), plus bytes, MiB/s,
 *   dirty rate, iteration and an ETA that is only given while the transfer outpaces
 *   the dirtying.
 * elapsed-only (libxl): libvirt's libxl driver reports nothing but elapsed time, so we
 *   report exactly that. With an assumed link rate the snapshot also carries an
 *   *estimated* minimum duration (memory / rate), labelled as such. Never a percentage.
 */
import { type JobStats, hasByteCounters } from './job-stats.js';

export type ProgressMode = 'measured' | 'elapsed-only' | 'estimated';

export interface ProgressSnapshot {
  mode: ProgressMode;
  elapsedMs: number;
  /** measured only: monotonic 0..100 (100 only once completed). */
  percent?: number;
  memoryTotal?: number;
  memoryProcessed?: number;
  memoryRemaining?: number;
  mibPerSec?: number;
  dirtyMiBPerSec?: number;
  iteration?: number;
  /** Seconds; undefined when unknown or not converging. */
  etaSec?: number;
  /** estimated mode: memory / assumed rate, a lower bound (Xen re-sends dirty pages up to 5 passes). */
  estimatedMinTotalSec?: number;
  /** estimated mode: where the rate came from ("--assume-rate", "observed on this run's earlier migrations"). */
  estimateBasis?: string;
  /** True while the remaining memory has not reached a new low for the stall window. */
  stalled: boolean;
  /** Transfer is slower than the guest dirties memory: it will not converge on its own. */
  notConverging: boolean;
}

export interface ProgressOptions {
  /** Memory of the domain in bytes (from its XML), for elapsed-only estimates. */
  domainMemoryBytes?: number;
  /** Link rate in MiB/s (user-supplied, or observed earlier in the run); enables the labelled estimate on libxl. */
  assumedRateMiB?: number;
  /** Where assumedRateMiB came from, shown with every estimate. */
  rateBasis?: string;
  /** Warn when remaining memory makes no new low for this long (default 30 s). */
  stallWindowMs?: number;
  /**
   * Whether the driver reports byte counters at all (qemu yes, libxl no). When it
   * does, a sample without them (job set-up, rollback) carries no progress and is
   * skipped instead of flipping the display into elapsed-only mode.
   */
  driverHasByteStats?: boolean;
}

const MiB = 1024 * 1024;

export class ProgressModel {
  private best = 0;
  private lowMark = Infinity;
  private lowMarkAt = 0;
  private firstAt: number | null = null;
  private prev: { at: number; processed: number } | null = null;
  private last: ProgressSnapshot | null = null;

  constructor(private readonly opts: ProgressOptions = {}) {}

  get latest(): ProgressSnapshot | null {
    return this.last;
  }

  /** Feed one sample taken at `nowMs`; null when the sample carries no progress for this driver. */
  update(s: JobStats, nowMs: number): ProgressSnapshot | null {
    if (this.opts.driverHasByteStats && !hasByteCounters(s)) return null;
    if (this.firstAt === null) this.firstAt = nowMs;
    const elapsedMs = s.timeElapsedMs ?? nowMs - this.firstAt;
    const snap = hasByteCounters(s) ? this.measured(s, nowMs, elapsedMs) : this.elapsedOnly(elapsedMs);
    this.last = snap;
    return snap;
  }

  /** Mark success: the only way to reach 100 %. */
  complete(nowMs: number): ProgressSnapshot {
    const base = this.last ?? { mode: 'elapsed-only' as const, elapsedMs: 0, stalled: false, notConverging: false };
    const snap: ProgressSnapshot = {
      ...base,
      elapsedMs: this.firstAt === null ? base.elapsedMs : Math.max(base.elapsedMs, nowMs - this.firstAt),
      percent: base.mode === 'measured' ? 100 : undefined,
      memoryRemaining: base.mode === 'measured' ? 0 : undefined,
      etaSec: base.mode === 'measured' ? 0 : undefined,
      stalled: false,
    };
    this.last = snap;
    return snap;
  }

  private measured(s: JobStats, nowMs: number, elapsedMs: number): ProgressSnapshot {
    const total = s.memoryTotal && s.memoryTotal > 0 ? s.memoryTotal : (s.dataTotal ?? 0);
    const remaining = s.memoryTotal && s.memoryTotal > 0 ? (s.memoryRemaining ?? total) : (s.dataRemaining ?? total);
    const processed = s.memoryProcessed ?? s.dataProcessed ?? 0;
    const raw = total > 0 ? 100 - (remaining * 100) / total : 0;
    this.best = Math.max(this.best, Math.min(99, Math.max(0, raw)));
    const percent = Math.floor(this.best * 10) / 10;

    let bps = s.memoryBps;
    if (bps === undefined && this.prev && nowMs > this.prev.at) bps = ((processed - this.prev.processed) * 1000) / (nowMs - this.prev.at);
    this.prev = { at: nowMs, processed };
    const pageSize = s.memoryPageSize ?? 4096;
    const dirtyBps = s.memoryDirtyRate !== undefined ? s.memoryDirtyRate * pageSize : undefined;
    const net = bps !== undefined ? bps - (dirtyBps ?? 0) : undefined;
    const notConverging = dirtyBps !== undefined && bps !== undefined && bps > 0 && dirtyBps >= bps;
    const etaSec = net !== undefined && net > 0 ? Math.ceil(remaining / net) : undefined;

    const stalled = this.trackStall(remaining, nowMs);
    return {
      mode: 'measured',
      elapsedMs,
      percent,
      memoryTotal: total,
      memoryProcessed: processed,
      memoryRemaining: remaining,
      mibPerSec: bps !== undefined ? bps / MiB : undefined,
      dirtyMiBPerSec: dirtyBps !== undefined ? dirtyBps / MiB : undefined,
      iteration: s.memoryIteration,
      etaSec,
      stalled,
      notConverging,
    };
  }

  private elapsedOnly(elapsedMs: number): ProgressSnapshot {
    const { domainMemoryBytes: mem, assumedRateMiB: rate } = this.opts;
    if (mem && rate && rate > 0) {
      const minTotal = mem / MiB / rate;
      return {
        mode: 'estimated',
        elapsedMs,
        memoryTotal: mem,
        estimatedMinTotalSec: Math.ceil(minTotal),
        estimateBasis: this.opts.rateBasis ?? '--assume-rate',
        etaSec: Math.max(0, Math.ceil(minTotal - elapsedMs / 1000)),
        stalled: false,
        notConverging: false,
      };
    }
    return { mode: 'elapsed-only', elapsedMs, memoryTotal: mem, stalled: false, notConverging: false };
  }

  /** vdsm's low-watermark: stalled when no new low of remaining memory within the window. */
  private trackStall(remaining: number, nowMs: number): boolean {
    if (remaining < this.lowMark) {
      this.lowMark = remaining;
      this.lowMarkAt = nowMs;
      return false;
    }
    return nowMs - this.lowMarkAt >= (this.opts.stallWindowMs ?? 30_000);
  }
}

/** One human line for a snapshot, e.g. "42.5 % · 27/64 MiB · 12.1 MiB/s · dirty 3.0 MiB/s · iter 2 · ETA 3 s". */
export function describeProgress(p: ProgressSnapshot): string {
  const sec = (ms: number) => `${Math.floor(ms / 1000)} s`;
  const mib = (b: number) => `${(b / MiB).toFixed(b < 10 * MiB ? 1 : 0)} MiB`;
  if (p.mode === 'elapsed-only') {
    return `elapsed ${sec(p.elapsedMs)} (driver reports elapsed time only; no percentage available${p.memoryTotal ? `, ${mib(p.memoryTotal)} to move` : ''})`;
  }
  if (p.mode === 'estimated') {
    return `elapsed ${sec(p.elapsedMs)} · estimate: ≥ ${p.estimatedMinTotalSec} s total for ${mib(p.memoryTotal ?? 0)} at ${p.estimateBasis ?? 'the assumed rate'} (not measured)`;
  }
  const parts = [`${(p.percent ?? 0).toFixed(1)} %`];
  if (p.memoryTotal) parts.push(`${mib((p.memoryTotal ?? 0) - (p.memoryRemaining ?? 0))}/${mib(p.memoryTotal)}`);
  if (p.mibPerSec !== undefined) parts.push(`${p.mibPerSec.toFixed(1)} MiB/s`);
  if (p.dirtyMiBPerSec !== undefined) parts.push(`dirty ${p.dirtyMiBPerSec.toFixed(1)} MiB/s`);
  if (p.iteration !== undefined) parts.push(`iter ${p.iteration}`);
  parts.push(p.etaSec !== undefined ? `ETA ${p.etaSec} s` : p.notConverging ? 'not converging' : 'ETA unknown');
  parts.push(`elapsed ${sec(p.elapsedMs)}`);
  return parts.join(' · ');
}
