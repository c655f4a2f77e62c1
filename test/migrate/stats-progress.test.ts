import { describe, expect, it } from 'vitest';
import { parseJobStats, hasByteCounters } from '../../src/migrate/job-stats.js';
import { ProgressModel, describeProgress } from '../../src/migrate/progress.js';
import type { JobStats } from '../../src/migrate/job-stats.js';

// Captured from `virsh domjobinfo --rawstats` on the rig (libvirt 9.0, QEMU 7.2, 32 MiB guest, --bandwidth 1).
const QEMU_RAW = `Job type: 2

operation: 5
time_elapsed: 1475
downtime: 300
setup_time: 1
data_total: 33947648
data_processed: 1282261
data_remaining: 24436736
memory_total: 33947648
memory_processed: 1282261
memory_remaining: 24436736
memory_bps: 1067220
memory_constant: 2014
memory_normal: 308
memory_normal_bytes: 1261568
memory_dirty_rate: 0
memory_iteration: 1
memory_postcopy_requests: 0
memory_page_size: 4096
disk_total: 0
disk_processed: 0
disk_remaining: 0
`;
// What the libxl driver's GetJobStats yields (type Unbounded, time_elapsed only; no Xen host exists here).
const LIBXL_RAW = 'Job type: 2\n\ntime_elapsed: 5230\n';

const MiB = 1048576;
const stats = (over: Partial<JobStats>): JobStats => ({ type: 'unbounded', raw: {}, memoryTotal: 64 * MiB, ...over });

describe('parseJobStats', () => {
  it('reads qemu raw stats with the numeric job type', () => {
    const s = parseJobStats(QEMU_RAW);
    expect(s.type).toBe('unbounded');
    expect(s.memoryTotal).toBe(33947648);
    expect(s.memoryRemaining).toBe(24436736);
    expect(s.memoryBps).toBe(1067220);
    expect(s.memoryIteration).toBe(1);
    expect(s.operation).toBe(5);
    expect(hasByteCounters(s)).toBe(true);
  });
  it('reads libxl stats as elapsed-only, absent counters stay undefined (not 0)', () => {
    const s = parseJobStats(LIBXL_RAW);
    expect(s.type).toBe('unbounded');
    expect(s.timeElapsedMs).toBe(5230);
    expect(s.memoryTotal).toBeUndefined();
    expect(hasByteCounters(s)).toBe(false);
  });
  it('understands the worded job types of plain domjobinfo and no job', () => {
    expect(parseJobStats('Job type:         None        \n').type).toBe('none');
    expect(parseJobStats('Job type: 0\n\n').type).toBe('none');
    expect(parseJobStats('Job type:         Unbounded\n').type).toBe('unbounded');
    expect(parseJobStats('garbage').type).toBe('unknown');
  });
});

describe('ProgressModel (measured, qemu)', () => {
  it('computes percent of memory remaining like Nova, never backwards, capped at 99 until complete', () => {
    const m = new ProgressModel({ driverHasByteStats: true });
    const p1 = m.update(stats({ memoryRemaining: 48 * MiB, timeElapsedMs: 1000 }), 1000)!;
    expect(p1.percent).toBe(25);
    // A new pass re-sends dirtied pages: remaining grows, the displayed percent must not drop (vdsm).
    const p2 = m.update(stats({ memoryRemaining: 56 * MiB, timeElapsedMs: 2000 }), 2000)!;
    expect(p2.percent).toBe(25);
    const p3 = m.update(stats({ memoryRemaining: 0, timeElapsedMs: 3000 }), 3000)!;
    expect(p3.percent).toBe(99);
    expect(m.complete(3100).percent).toBe(100);
  });
  it('gives an ETA from the net rate and flags a guest that dirties faster than the link', () => {
    const m = new ProgressModel({ driverHasByteStats: true });
    const ok = m.update(stats({ memoryRemaining: 10 * MiB, memoryBps: 4 * MiB, memoryDirtyRate: 256, memoryPageSize: 4096 }), 0)!;
    expect(ok.etaSec).toBe(4); // 10 MiB / (4 - 1) MiB/s → 3.33 → 4
    expect(ok.dirtyMiBPerSec).toBe(1);
    expect(ok.notConverging).toBe(false);
    const bad = m.update(stats({ memoryRemaining: 10 * MiB, memoryBps: MiB, memoryDirtyRate: 1024, memoryPageSize: 4096 }), 500)!;
    expect(bad.notConverging).toBe(true);
    expect(bad.etaSec).toBeUndefined();
    expect(describeProgress(bad)).toContain('not converging');
  });
  it('warns of a stall only after the window passes without a new low of remaining memory', () => {
    const m = new ProgressModel({ driverHasByteStats: true, stallWindowMs: 2000 });
    expect(m.update(stats({ memoryRemaining: 30 * MiB }), 0)!.stalled).toBe(false);
    expect(m.update(stats({ memoryRemaining: 40 * MiB }), 1500)!.stalled).toBe(false);
    expect(m.update(stats({ memoryRemaining: 35 * MiB }), 2500)!.stalled).toBe(true);
    expect(m.update(stats({ memoryRemaining: 20 * MiB }), 3000)!.stalled).toBe(false);
  });
  it('skips samples without byte counters when the driver normally has them (set-up, rollback)', () => {
    const m = new ProgressModel({ driverHasByteStats: true });
    expect(m.update(parseJobStats(LIBXL_RAW), 0)).toBeNull();
  });
});

describe('ProgressModel (libxl: elapsed time only)', () => {
  it('reports elapsed time and never a percentage', () => {
    const m = new ProgressModel({ driverHasByteStats: false, domainMemoryBytes: 512 * MiB });
    const p = m.update(parseJobStats(LIBXL_RAW), 0)!;
    expect(p.mode).toBe('elapsed-only');
    expect(p.percent).toBeUndefined();
    expect(p.elapsedMs).toBe(5230);
    expect(describeProgress(p)).toMatch(/elapsed 5 s \(driver reports elapsed time only; no percentage available, 512 MiB to move\)/);
    expect(describeProgress(p)).not.toMatch(/%/);
    expect(m.complete(6000).percent).toBeUndefined();
  });
  it('with an assumed link rate gives a clearly labelled estimate, still no percentage', () => {
    const m = new ProgressModel({ driverHasByteStats: false, domainMemoryBytes: 512 * MiB, assumedRateMiB: 50 });
    const p = m.update(parseJobStats(LIBXL_RAW), 0)!;
    expect(p.mode).toBe('estimated');
    expect(p.estimatedMinTotalSec).toBe(11); // 512 MiB / 50 MiB/s = 10.24 s
    expect(p.etaSec).toBe(6); // minus 5.23 s elapsed
    expect(p.percent).toBeUndefined();
    expect(describeProgress(p)).toContain('estimate');
    expect(describeProgress(p)).toContain('not measured');
  });
});
