/**
 * `--rollback`: undo what *we* did, nothing else. Undefine on --to only the
 * definitions we created that are unchanged since (same XML as right after
 * verification); stop on --to only what we started there; restart on --from
 * only what we stopped, and only if that host still has it. Order per domain
 * matters: off the target first, then back on the source — never both running.
 */
import { Xend2LibxlError } from '../errors.js';
import { acquireLock, prepareBackupDir } from './backup-dir.js';
import type { RunContext, UpgradeDeps, UpgradeOptions } from './context.js';
import { modelDifferences } from './compare.js';
import { describeFailure } from './failure.js';
import { readJournal, type JournalDomain } from './journal.js';
import { isActive } from './plan.js';
import { forEachLimit } from './pool.js';
import { HypervisorError } from './ports.js';
import { reportFromJournal, type UpgradeReport } from './report.js';
import { resumeOptions } from './resume.js';
import { sha256 } from './safe-name.js';
import { backedUpXml } from './step-define.js';
import { reached } from './steps.js';
import { currentState } from './wait-state.js';
import { openRunContext } from './run-context.js';

export async function runRollback(deps: UpgradeDeps, given: UpgradeOptions): Promise<UpgradeReport> {
  await prepareBackupDir(given.backupDir, undefined, 'existing');
  const j = await readJournal(given.backupDir);
  if (!j) throw new Xend2LibxlError('NOTHING_TO_ROLL_BACK', `${given.backupDir} holds no upgrade journal`);
  const opts = resumeOptions(given, j);
  const release = await acquireLock(opts.backupDir);
  try {
    const rc = await openRunContext(deps, opts, j);
    const store = rc.store;
    j.rollback = { at: new Date().toISOString(), state: 'running' };
    await store.commit('rollback-started');
    await forEachLimit([...j.domains].reverse(), opts.parallel, (d) => rollbackDomain(rc, d));
    // Only what the rollback itself could not undo counts; a domain that failed before we touched it needs nothing.
    const left = j.domains.filter((d) => (d.status === 'held' || d.status === 'failed') && ['rollback-held', 'rollback-failed'].includes(d.history.at(-1)?.event ?? ''));
    j.rollback.state = left.length === 0 ? 'done' : 'partial';
    await store.commit('rollback-finished');
    const next = left.length === 0 ? 'rolled back: what we defined is gone from the target, what we stopped runs again on the source' : `${left.length} domain(s) could not be rolled back (see each one); fix that and run --rollback again`;
    return reportFromJournal('rollback', opts.backupDir, j, false, next);
  } finally {
    await release();
  }
}

/** Each domain ends with a `next` that says where it really stands now, never the upgrade's old advice. */
async function rollbackDomain(rc: RunContext, d: JournalDomain): Promise<void> {
  const to = rc.opts.to!;
  if (d.status === 'rolled-back') return; // an earlier rollback finished it and said where it stands
  const touched = d.definedByUs || d.stoppedByUs || d.history.some((h) => h.event === 'define-requested');
  if (!touched) {
    // Never changed by the upgrade: nothing to undo. A failed one keeps its status and error (it was never upgraded).
    if (d.status === 'failed') d.next = 'never upgraded; nothing to undo';
    else {
      const why = d.step === 'done' || reached(d.step, 'defined') ? `its definition on ${to} was there before this upgrade and is left as it is` : 'the upgrade had not changed it yet';
      await rc.store.record(d, 'rolled-back', { status: 'rolled-back', next: `nothing to undo: ${why}`, error: undefined });
    }
    return;
  }
  try {
    const target = await undoTarget(rc, d);
    if (target === 'held') return;
    const source = await restartSource(rc, d);
    const onTarget = target === 'undefined' ? `undefined on ${to}` : `nothing of ours on ${to}`;
    await rc.store.record(d, 'rolled-back', { status: 'rolled-back', error: undefined, next: `${onTarget}; ${source}` });
  } catch (e) {
    const { error, next } = describeFailure(e, 'rollback', undefined, `xend2libxl upgrade --backup-dir ${rc.opts.backupDir} --rollback`);
    await rc.store.record(d, 'rollback-failed', { status: 'failed', error, next });
    rc.emit({ level: 'fail', domain: d.name, message: error.message });
  }
}

/** 'held': left in place (reason recorded); 'absent': nothing of ours there; 'undefined': we removed our definition. */
async function undoTarget(rc: RunContext, d: JournalDomain): Promise<'held' | 'absent' | 'undefined'> {
  const { hv } = rc.deps;
  const to = rc.opts.to!;
  const mayBeOurs = d.definedByUs || d.history.some((h) => h.event === 'define-requested');
  if (!mayBeOurs) return 'absent';
  let existing: string;
  try {
    existing = await hv.dumpXml(to, d.name, { inactive: true });
  } catch (e) {
    if (e instanceof HypervisorError && e.kind === 'not-found') return 'absent';
    throw e;
  }
  const unchanged = d.definedXmlSha256
    ? sha256(existing.trim()) === d.definedXmlSha256
    : modelDifferences(rc.deps.readDomainXml(await backedUpXml(rc, d)), rc.deps.readDomainXml(existing)).length === 0;
  if (!unchanged && !rc.opts.force) {
    await rc.store.record(d, 'rollback-held', {
      status: 'held',
      error: { code: 'CHANGED_SINCE_UPGRADE', message: `${d.name} on ${to} was changed after we defined it; left in place` },
      next: 'undefine it by hand if that is intended, or run --rollback --force',
    });
    return 'held';
  }
  const state = await currentState(hv, to, d.name);
  if (state !== 'absent' && isActive(state)) {
    if (!d.startedByUs && !rc.opts.force) {
      await rc.store.record(d, 'rollback-held', {
        status: 'held',
        error: { code: 'RUNNING_ON_TARGET', message: `${d.name} runs on ${to} but was not started by the upgrade; left alone` },
        next: 'shut it down yourself, then run --rollback again',
      });
      return 'held';
    }
    rc.emit({ level: 'info', domain: d.name, message: `shutting down on ${to}` });
    await hv.shutdown(to, d.name).catch(() => {});
    const r = await rc.poller.wait(to, d.name, (s) => s === 'absent' || !isActive(s), rc.opts.shutdownTimeoutMs);
    if (!r.reached) {
      if (!rc.opts.force) {
        await rc.store.record(d, 'rollback-held', {
          status: 'held',
          error: { code: 'SHUTDOWN_TIMEOUT', message: `${d.name} did not shut down on ${to} in time` },
          next: 'shut it down inside the guest (or use --force to destroy it), then run --rollback again',
        });
        return 'held';
      }
      await hv.destroy(to, d.name);
    }
  }
  await hv.undefine(to, d.name);
  await rc.store.record(d, 'undefined', { definedByUs: false, startedByUs: false });
  rc.emit({ level: 'ok', domain: d.name, message: `undefined on ${to}` });
  return 'undefined';
}

/** What became of the domain on the source, in words. */
async function restartSource(rc: RunContext, d: JournalDomain): Promise<string> {
  const from = rc.opts.from;
  if (!d.stoppedByUs || !from || !d.fromName) return d.wasRunning ? 'it was running before the upgrade but not stopped by it: start it where you want it' : 'it was not running before the upgrade; left off';
  const { hv } = rc.deps;
  let state: string;
  try {
    state = await currentState(hv, from, d.fromName);
  } catch (e) {
    if (e instanceof HypervisorError && e.kind === 'connection') return `${from} does not answer (toolstack switched?): start ${d.name} yourself from the backup`;
    throw e;
  }
  if (state === 'absent') return `${d.name} is no longer on ${from}: start it yourself from the backup XML if needed`;
  if (!isActive(state)) {
    await hv.start(from, d.fromName);
    const r = await rc.poller.wait(from, d.fromName, (s) => s === 'running', rc.opts.startTimeoutMs ?? 60_000);
    if (!r.reached) throw new Xend2LibxlError('RESTART_TIMEOUT', `${d.name} was started again on ${from} but is ${r.state}`);
    rc.emit({ level: 'ok', domain: d.name, message: `running again on ${from}` });
  }
  await rc.store.record(d, 'restarted-on-source', { stoppedByUs: false });
  return `running again on ${from}`;
}
