/**
 * The in-place upgrade: plan → (per domain, in parallel) back up → shut down →
 * [one global toolstack switch] → (per domain, in parallel) define → verify →
 * autostart → start. Every step is journaled before the next begins, so a
 * crash at any point is continued by `--resume`. One domain's failure never
 * stops the others; the returned report says where each one stands.
 */
import { Xend2LibxlError, UsageError } from '../errors.js';
import { acquireLock, checkBackupDir, prepareBackupDir } from './backup-dir.js';
import type { RunContext, UpgradeDeps, UpgradeOptions } from './context.js';
import { plannedSteps } from './dry-run.js';
import { describeFailure } from './failure.js';
import { newJournal, readJournal, type Journal, type JournalDomain } from './journal.js';
import { buildPlan, type Plan } from './plan.js';
import { forEachLimit } from './pool.js';
import type { ListedDomain, XendEntry } from './ports.js';
import { countStatuses, domainReport, reportFromJournal, type UpgradeReport } from './report.js';
import { stepBackup } from './step-backup.js';
import { stepDefine, stepVerify } from './step-define.js';
import { stepShutdown } from './step-shutdown.js';
import { stepAutostartAndStart } from './step-start.js';
import { stepSwitch } from './step-switch.js';
import { reached } from './steps.js';
import { resumeOptions } from './resume.js';
import { openRunContext } from './run-context.js';
import { sweepDefineTempDirs } from './sweep-temp.js';
import { runRollback } from './rollback.js';

export async function makePlan(
  deps: UpgradeDeps,
  opts: UpgradeOptions,
  prefetchSourceXml = false,
): Promise<Plan & { fromStates?: Map<string, string>; sourceXml?: Map<string, Promise<string>> }> {
  // Reading the xend store is CPU work, listing the source waits on libvirtd: overlap them. A real run
  // also starts reading every source domain's XML (for the backup) while the store is still being converted.
  let sourceXml: Map<string, Promise<string>> | undefined;
  const listed = opts.from
    ? deps.hv.list(opts.from).then((ds) => {
        if (prefetchSourceXml && !opts.only?.length) sourceXml = new Map(ds.map((d) => [d.name, quiet(deps.hv.dumpXml(opts.from!, d.name, { inactive: false }))]));
        return ds;
      })
    : Promise.resolve(undefined);
  const [entries, fromDomains] = await Promise.all([opts.xendRoot ? deps.source.read(opts.xendRoot, { xendConfig: opts.xendConfig }) : Promise.resolve([]), listed]);
  const plan = buildPlan(entries, fromDomains, Boolean(opts.includeUnmanaged), opts.only ?? [], opts.autostart ?? []);
  return { ...plan, fromStates: fromDomains ? new Map(fromDomains.map((d) => [d.name, d.state])) : undefined, sourceXml };
}

/** A promise whose rejection is handled later (or never, if nobody asks): no unhandled-rejection noise. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

export async function runUpgrade(deps: UpgradeDeps, opts: UpgradeOptions): Promise<UpgradeReport> {
  if (opts.rollback) return runRollback(deps, opts);
  if (opts.dryRun && !opts.resume) return dryRun(deps, opts);
  let journal: Journal;
  let entries = new Map<string, XendEntry>();
  let fresh = false;
  let fromStates: Map<string, string> | undefined;
  let sourceXml: Map<string, Promise<string>> | undefined;
  await sweepDefineTempDirs().then(
    (gone) => gone.length > 0 && deps.onEvent?.({ level: 'info', message: `removed ${gone.length} temporary define director${gone.length === 1 ? 'y' : 'ies'} left by an interrupted run` }),
    () => {},
  );
  if (opts.resume) {
    await prepareBackupDir(opts.backupDir, undefined, 'existing');
    const j = await readJournal(opts.backupDir);
    if (!j) throw new Xend2LibxlError('NOTHING_TO_RESUME', `${opts.backupDir} holds no upgrade journal`, { hint: 'start the upgrade without --resume' });
    if (j.rollback) throw new Xend2LibxlError('ROLLED_BACK', `the upgrade in ${opts.backupDir} was rolled back (${j.rollback.state}); it cannot be resumed`, { hint: 'start a new upgrade with a new --backup-dir' });
    journal = j;
    opts = resumeOptions(opts, j);
    adoptSwitchCommand(deps, opts, j);
  } else {
    if (!opts.xendRoot) throw new UsageError('--xend-root is required', 'give the xend domains directory, e.g. --xend-root /var/lib/xend/domains');
    // Every refusal comes before anything is created or stopped.
    await refuseExistingUpgrade(opts);
    const [plan] = await Promise.all([makePlan(deps, opts, true), opts.to !== opts.from ? requireTarget(deps, opts.to!) : undefined]);
    await prepareBackupDir(opts.backupDir, opts.xendRoot, 'new');
    sourceXml = plan.sourceXml;
    journal = newJournal(
      {
        xendRoot: opts.xendRoot,
        ...(opts.xendConfig ? { xendConfig: opts.xendConfig } : {}),
        to: opts.to!,
        from: opts.from,
        includeUnmanaged: Boolean(opts.includeUnmanaged),
        switchMode: opts.switchCommand ? 'command' : opts.pauseForSwitch ? 'pause' : 'none',
        switchCommand: opts.switchCommand,
        ...(opts.only?.length ? { only: opts.only } : {}),
      },
      plan.domains.map((p) => p.journal),
    );
    journal.planWarnings = plan.warnings;
    fromStates = plan.fromStates;
    entries = new Map(plan.domains.filter((p) => p.entry).map((p) => [p.journal.id, p.entry!]));
    fresh = true;
  }
  const release = await acquireLock(opts.backupDir);
  try {
    // Another run may have started and finished in this directory while we were planning.
    if (fresh && (await readJournal(opts.backupDir))) {
      throw new Xend2LibxlError('JOURNAL_EXISTS', `${opts.backupDir} received an upgrade journal from another run while this one was planning`, { hint: 'look at it with --resume; never run two upgrades into one --backup-dir' });
    }
    const rc = await openRunContext(deps, opts, journal, { seen: { from: fromStates }, sourceXml });
    if (fresh) await rc.store.commit('planned');
    else entries = await reopen(rc);
    return await drive(rc, entries);
  } finally {
    await release();
  }
}

/** On resume: give held/failed domains another try and re-read the xend entries still needed. */
async function reopen(rc: RunContext): Promise<Map<string, XendEntry>> {
  const j = rc.store.journal;
  const entries = new Map<string, XendEntry>();
  const needSource = j.domains.filter((d) => d.origin === 'xend' && d.step === 'planned');
  if (needSource.length > 0 && j.options.xendRoot) {
    const read = await rc.deps.source.read(j.options.xendRoot, { xendConfig: rc.opts.xendConfig });
    for (const d of needSource) {
      const e = read.find((x) => x.entry === d.entry);
      if (e && e.xml && e.errors.length === 0) entries.set(d.id, e);
      else if (e && d.status === 'failed') d.error = { ...(e.errors[0] ?? d.error ?? { code: 'CONVERSION_FAILED', message: 'still cannot be converted' }) };
    }
  }
  for (const d of j.domains) {
    if (d.status !== 'held' && d.status !== 'failed') continue;
    if (d.step === 'planned' && d.origin === 'xend' && !entries.has(d.id)) continue;
    if (d.error?.code === 'DUPLICATE_NAME' || d.error?.code === 'DUPLICATE_UUID') continue;
    // Someone undefined it after we defined it: define it again (from the verified backup).
    if (d.error?.code === 'VERIFY_MISSING' && reached(d.step, 'defined')) d.step = 'switched';
    d.status = 'in-progress';
    d.error = undefined;
    d.next = undefined;
  }
  await rc.store.commit('resumed');
  return entries;
}

async function drive(rc: RunContext, entries: Map<string, XendEntry>): Promise<UpgradeReport> {
  const j = rc.store.journal;
  const par = rc.opts.parallel;
  const active = () => j.domains.filter((d) => d.status === 'in-progress');
  const stopped = () => Boolean(rc.opts.signal?.aborted);
  await forEachLimit(
    active().filter((d) => !reached(d.step, 'shut-down')),
    par,
    (d) =>
      guard(rc, d, async () => {
        if (d.step === 'planned') await stepBackup(rc, d, entries.get(d.id));
        if (!stopped()) await stepShutdown(rc, d);
      }),
    stopped,
  );
  if (stopped()) return interrupted(rc);
  const ready = active().filter((d) => d.step === 'shut-down');
  const held = j.domains.filter((d) => d.status === 'held');
  const { outcome, target, why } = await stepSwitch(rc, ready, held);
  if (stopped()) return interrupted(rc);
  if (outcome === 'paused') {
    return finish(rc, true, `do the toolstack switch (stop xend, start libvirtd with the libxl driver), then run: ${resumeCommand(rc)}`);
  }
  if (outcome === 'unreachable') {
    return finish(rc, false, `${rc.opts.to} does not answer (${why}); nothing was defined and the domains shut down stay down. Make libvirtd with the libxl driver answer there, then run: ${resumeCommand(rc)}`);
  }
  if (outcome !== 'done') {
    const why = outcome === 'blocked' ? 'some domains are still running (held)' : 'the switch command failed';
    const again = rc.store.journal.options.switchMode === 'command' ? ' --switch-command CMD' : '';
    return finish(rc, false, `the toolstack was not switched because ${why}; domains already shut down stay down. Fix it, then run: ${resumeCommand(rc)}${again}`);
  }
  rc.seen.to = new Map(target!.map((d) => [d.name, d.state]));
  await forEachLimit(
    active().filter((d) => reached(d.step, 'switched')),
    par,
    (d) =>
      guard(rc, d, async () => {
        if (d.step === 'switched') await stepDefine(rc, d, target);
        if (d.step === 'defined' && !stopped()) await stepVerify(rc, d);
        if ((d.step === 'verified' || d.step === 'started') && !stopped()) await stepAutostartAndStart(rc, d);
      }),
    stopped,
  );
  if (stopped()) return interrupted(rc);
  return finish(rc, false);
}

/** Per-domain isolation: whatever a step throws ends this domain's run only. */
async function guard(rc: RunContext, d: JournalDomain, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const uri = reached(d.step, 'switched') ? rc.opts.to : rc.opts.from;
    const { error, next } = describeFailure(e, `after ${d.step}`, uri, resumeCommand(rc));
    await rc.store.record(d, 'failed', { status: 'failed', error, next });
    rc.emit({ level: 'fail', domain: d.name, message: error.message });
  }
}

/** The exact command that continues this upgrade. */
export function resumeCommand(rc: RunContext): string {
  return `xend2libxl upgrade --backup-dir ${shellQuote(rc.opts.backupDir)} --resume`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function interrupted(rc: RunContext): UpgradeReport {
  const r = finish(rc, false, `interrupted: every step in flight was finished and journaled; continue with: ${resumeCommand(rc)} (or undo with --rollback)`);
  r.interrupted = true;
  return r;
}

function finish(rc: RunContext, paused: boolean, next?: string): UpgradeReport {
  const j = rc.store.journal;
  const r = reportFromJournal('upgrade', rc.opts.backupDir, j, paused, next);
  if (!r.next) {
    const bad = j.domains.filter((d) => d.status === 'failed' || d.status === 'held');
    r.next = bad.length === 0 ? `all ${j.domains.length} domain(s) upgraded; the backup and journal are in ${rc.opts.backupDir} (undo with --rollback)` : `${bad.length} domain(s) need attention (see each domain's next step); then run: ${resumeCommand(rc)}`;
  }
  return r;
}

/** The backup dir checks (nothing created) and: no upgrade journaled there yet. */
async function refuseExistingUpgrade(opts: UpgradeOptions): Promise<void> {
  await checkBackupDir(opts.backupDir, opts.xendRoot, 'new');
  const existing = await readJournal(opts.backupDir);
  if (existing) {
    throw new Xend2LibxlError('JOURNAL_EXISTS', `${opts.backupDir} already holds an upgrade (${summarise(existing)})`, {
      hint: 'continue it with --resume, undo it with --rollback, or choose a new --backup-dir',
    });
  }
}

/** A separate target must answer before anything is backed up or shut down. */
async function requireTarget(deps: UpgradeDeps, to: string): Promise<void> {
  try {
    await deps.hv.list(to);
  } catch (e) {
    throw new Xend2LibxlError('TARGET_UNREACHABLE', `the target ${to} does not answer: ${(e as Error).message}`, {
      hint: 'nothing was changed; check --to and that libvirtd (libxl driver) runs there, then run the same command again',
      cause: e,
    });
  }
}

/**
 * On --resume the switch command that runs is the one given now, never the
 * journal's (a file on disk must not choose what runs as root); the journal's
 * is only shown so the admin can compare.
 */
function adoptSwitchCommand(deps: UpgradeDeps, opts: UpgradeOptions, j: Journal): void {
  const pending = j.options.switchMode === 'command' && (j.switch.state === 'pending' || j.switch.state === 'failed');
  if (!pending) return;
  const journaled = j.options.switchCommand === undefined ? '' : ` (the journal records ${JSON.stringify(j.options.switchCommand)}; it is shown, never run)`;
  if (!opts.switchCommand) {
    throw new UsageError(`this upgrade still has to switch the toolstack: give the command with --switch-command${journaled}`, `xend2libxl upgrade --backup-dir ${opts.backupDir} --resume --switch-command CMD`);
  }
  deps.onEvent?.({ level: 'info', message: `switch command given now: ${JSON.stringify(opts.switchCommand)}${journaled}` });
  j.options.switchCommand = opts.switchCommand;
}

function summarise(j: Journal): string {
  const c = countStatuses(j.domains.map((d) => domainReport(d)));
  return `${c.total} domain(s): ${c.done} done, ${c.failed} failed, ${c.held} held, switch ${j.switch.state}`;
}

async function dryRun(deps: UpgradeDeps, opts: UpgradeOptions): Promise<UpgradeReport> {
  if (!opts.xendRoot) throw new UsageError('--xend-root is required', 'give the xend domains directory, e.g. --xend-root /var/lib/xend/domains');
  // The same refusals as a real run: a plan that a real run would refuse is no plan.
  await refuseExistingUpgrade(opts);
  const plan = await makePlan(deps, opts);
  const domains = plan.domains.map((p) => domainReport(p.journal, plannedSteps(p, opts)));
  return {
    action: 'dry-run',
    backupDir: opts.backupDir,
    xendRoot: opts.xendRoot,
    to: opts.to,
    from: opts.from,
    paused: false,
    domains,
    warnings: plan.warnings,
    counts: countStatuses(domains),
    next: 'nothing was changed; run again without --dry-run to do it',
  };
}
