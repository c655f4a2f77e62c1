/**
 * `virsh domjobinfo --rawstats` → typed job statistics. Field names are libvirt's
 * VIR_DOMAIN_JOB_* typed-parameter names. The libxl driver reports only
 * `time_elapsed` (job type Unbounded, no byte counters), so every counter is optional
 * and "absent" is kept distinct from 0.
 */
export type JobType = 'none' | 'bounded' | 'unbounded' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface JobStats {
  type: JobType;
  /** Raw typed parameters as printed, for logs and fields we do not model. */
  raw: Record<string, string>;
  operation?: number;
  timeElapsedMs?: number;
  dataTotal?: number;
  dataProcessed?: number;
  dataRemaining?: number;
  memoryTotal?: number;
  memoryProcessed?: number;
  memoryRemaining?: number;
  /** Bytes per second. */
  memoryBps?: number;
  /** Pages per second (convert with memoryPageSize). */
  memoryDirtyRate?: number;
  memoryPageSize?: number;
  memoryIteration?: number;
  /** Expected downtime while running (ms). */
  downtimeMs?: number;
}

const TYPES: Record<string, JobType> = {
  none: 'none',
  bounded: 'bounded',
  unbounded: 'unbounded',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  // --rawstats prints the virDomainJobType number instead of the word.
  '0': 'none',
  '1': 'bounded',
  '2': 'unbounded',
  '3': 'completed',
  '4': 'failed',
  '5': 'cancelled',
};

/** Is this job carrying byte counters (qemu) or elapsed time only (libxl)? */
export function hasByteCounters(s: JobStats): boolean {
  return (s.memoryTotal ?? 0) > 0 || (s.dataTotal ?? 0) > 0;
}

export function parseJobStats(text: string): JobStats {
  const raw: Record<string, string> = {};
  let type: JobType = 'unknown';
  for (const line of text.split(/\r?\n/)) {
    const t = /^Job type:\s*(.+?)\s*$/.exec(line);
    if (t) {
      type = TYPES[t[1].toLowerCase()] ?? 'unknown';
      continue;
    }
    const f = /^([a-z][a-z0-9_.]*):\s*(.*?)\s*$/.exec(line);
    if (f) raw[f[1]] = f[2];
  }
  const num = (k: string): number | undefined => {
    const v = raw[k];
    if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
    return Number(v);
  };
  return {
    type,
    raw,
    operation: num('operation'),
    timeElapsedMs: num('time_elapsed'),
    dataTotal: num('data_total'),
    dataProcessed: num('data_processed'),
    dataRemaining: num('data_remaining'),
    memoryTotal: num('memory_total'),
    memoryProcessed: num('memory_processed'),
    memoryRemaining: num('memory_remaining'),
    memoryBps: num('memory_bps'),
    memoryDirtyRate: num('memory_dirty_rate'),
    memoryPageSize: num('memory_page_size'),
    memoryIteration: num('memory_iteration'),
    downtimeMs: num('downtime'),
  };
}
