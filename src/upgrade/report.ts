/** The final machine-readable report (printed by `--json`, summarised otherwise). */
import type { Journal, JournalDomain, JournalProblem } from './journal.js';
import type { Step } from './steps.js';

export interface DomainReport {
  name: string;
  uuid?: string;
  origin: 'xend' | 'unmanaged';
  entry?: string;
  step: Step;
  status: JournalDomain['status'];
  wasRunning: boolean;
  definedByUs: boolean;
  startedByUs: boolean;
  error?: JournalProblem;
  next?: string;
  warnings: JournalProblem[];
  /** Dry run only: what would be done, in order. */
  plannedSteps?: string[];
}

export interface UpgradeReport {
  action: 'dry-run' | 'upgrade' | 'rollback';
  backupDir: string;
  xendRoot?: string;
  to?: string;
  from?: string;
  switch?: Journal['switch'];
  /** Rollback runs: `done` when everything the upgrade did was undone. */
  rollback?: Journal['rollback'];
  /** Stopped on purpose (awaiting the toolstack switch): continue with --resume. */
  paused: boolean;
  /** Stopped by Ctrl-C/SIGTERM at a journaled step: continue with --resume. */
  interrupted?: boolean;
  domains: DomainReport[];
  warnings: JournalProblem[];
  counts: Record<string, number>;
  /** What the admin should do next, overall. */
  next?: string;
}

export function domainReport(d: JournalDomain, plannedSteps?: string[]): DomainReport {
  return {
    name: d.name,
    uuid: d.uuid,
    origin: d.origin,
    entry: d.entry,
    step: d.step,
    status: d.status,
    wasRunning: d.wasRunning,
    definedByUs: d.definedByUs,
    startedByUs: d.startedByUs,
    error: d.error,
    next: d.next,
    warnings: d.warnings,
    ...(plannedSteps ? { plannedSteps } : {}),
  };
}

export function countStatuses(domains: DomainReport[]): Record<string, number> {
  const c: Record<string, number> = { total: domains.length, done: 0, 'in-progress': 0, held: 0, failed: 0, 'rolled-back': 0 };
  for (const d of domains) c[d.status] = (c[d.status] ?? 0) + 1;
  return c;
}

export function reportFromJournal(action: UpgradeReport['action'], backupDir: string, j: Journal, paused: boolean, next?: string): UpgradeReport {
  const domains = j.domains.map((d) => domainReport(d));
  return {
    action,
    backupDir,
    xendRoot: j.options.xendRoot,
    to: j.options.to,
    from: j.options.from,
    switch: j.switch,
    ...(j.rollback ? { rollback: j.rollback } : {}),
    paused,
    domains,
    warnings: j.planWarnings ?? [],
    counts: countStatuses(domains),
    next,
  };
}
