/** Pure formatting for progress output: bars, rates and ETAs, shared by the live and plain reporters. */

/** `1h02m`, `3m05s`, `42s`: short like virt-v2v and rsync, never fractional seconds. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '';
  return perSecond >= 10 ? `${Math.round(perSecond)}/s` : `${perSecond.toFixed(1)}/s`;
}

/** `[#####.....]` with `width` cells; `current` is clamped to [0, total]. */
export function formatBar(current: number, total: number, width = 20, full = '█', empty = '░'): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, current / total)) : 0;
  const filled = Math.round(ratio * width);
  return `${full.repeat(filled)}${empty.repeat(width - filled)}`;
}

/**
 * Rate and ETA from the first and the latest sample. Averaging over the whole
 * run is steadier than instantaneous rates for the bursty workloads we have
 * (a batch that stalls on one large file, a migration's dirty-page rounds).
 */
export class RateMeter {
  private start?: { t: number; v: number };
  private last?: { t: number; v: number };

  constructor(private readonly clock: () => number = Date.now) {}

  sample(value: number): void {
    const t = this.clock();
    if (!this.start) this.start = { t, v: value };
    this.last = { t, v: value };
  }

  /** Units per second, or undefined until there is at least 0.5 s of data. */
  rate(): number | undefined {
    if (!this.start || !this.last) return undefined;
    const dt = (this.last.t - this.start.t) / 1000;
    if (dt < 0.5) return undefined;
    const r = (this.last.v - this.start.v) / dt;
    return r > 0 ? r : undefined;
  }

  /** Seconds until `total`, or undefined when it cannot be estimated honestly. */
  eta(total: number | undefined): number | undefined {
    const r = this.rate();
    if (!total || !r || !this.last) return undefined;
    return Math.max(0, (total - this.last.v) / r);
  }
}

/**
 * `34/100 (34%)  12/s  ETA 6s`. A caller's own detail (e.g. "34 MiB/s" from
 * domjobinfo) replaces our rate; our ETA is still added unless the detail has one.
 */
export function describeProgress(current: number, total: number | undefined, meter: RateMeter, detail?: string): string {
  const parts = [total ? `${current}/${total} (${Math.floor((Math.min(current, total) / total) * 100)}%)` : `${current}`];
  if (detail) parts.push(detail);
  else {
    const rate = meter.rate();
    if (rate) parts.push(formatRate(rate));
  }
  const eta = meter.eta(total);
  if (eta !== undefined && total && current < total && !/\bETA\b/i.test(detail ?? '')) parts.push(`ETA ${formatDuration(eta)}`);
  return parts.join('  ');
}
