/** What a migration job tells its observer (CLI renders these as bars, lines or JSON). */
import type { ProgressSnapshot } from './progress.js';
import type { ReconcileResult } from './reconcile.js';

export type JobPhase = 'queued' | 'preparing' | 'transferring' | 'suspended' | 'cancelling' | 'reconciling' | 'done';

export type JobEvent =
  | { type: 'phase'; domain: string; phase: JobPhase; detail?: string }
  | { type: 'progress'; domain: string; progress: ProgressSnapshot }
  | { type: 'warning'; domain: string; code: string; message: string }
  | { type: 'note'; domain: string; message: string };

/** How a cancel was carried out: 'wait' = the driver cannot abort, nothing was issued, the end was awaited. */
export type CancelUsed = 'abort-job' | 'destroy-destination' | 'wait' | 'none';

export type CancelReason = 'signal' | 'timeout' | 'queue';

export interface JobResult {
  domain: string;
  /** True only when the guest ended running and persistent on the destination. */
  ok: boolean;
  reconcile: ReconcileResult | null;
  /** Why we cancelled, when we did. */
  cancelled?: CancelReason;
  /** Which mechanism stopped it. */
  cancelUsed?: CancelUsed;
  /** libvirt's error from `virsh migrate`, when it failed. */
  migrateError?: string;
  /** Set when the job never started (preflight failed, cancelled while queued). */
  notStarted?: string;
  durationMs: number;
  progress: ProgressSnapshot | null;
  /** Percent values of every progress event, for tests and the summary. */
  percentHistory: number[];
}

export type JobObserver = (e: JobEvent) => void;
