/** The upgrade command's body, loaded on demand: options → core call → report and exit code. */
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { execFileRunner } from '../../libvirt/index.js';
import { runtimeFor } from '../../ui/cli-runtime.js';
import { loadPrompts } from '../../ui/lazy-modules.js';
import type { Reporter } from '../../ui/reporter.js';
import type { UpgradeDeps, UpgradeEvent, UpgradeOptions } from '../../upgrade/context.js';
import { crashHookFromEnv } from '../../upgrade/crash-hook.js';
import { readJournal } from '../../upgrade/journal.js';
import { libvirtPort } from '../../upgrade/libvirt-port.js';
import { readVerifiable } from '../../upgrade/read-back.js';
import { realClock } from '../../upgrade/ports.js';
import type { UpgradeReport } from '../../upgrade/report.js';
import { shellSwitchRunner } from '../../upgrade/switch-runner.js';
import { makePlan, runUpgrade } from '../../upgrade/upgrade.js';
import { xendSource } from '../../upgrade/xend-source.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatUpgradeReport } from './upgrade-format.js';
import { xmConfigDirOf } from './xm-config-dir.js';
import type { UpgradeCliOptions } from './upgrade.js';

export async function runUpgradeCommand(cli: UpgradeCliOptions & { toExplicit?: boolean }, ctx: CliContext, cmd: Command): Promise<number> {
  const opts = toCoreOptions(cli, ctx);
  const { reporter, onVirshFinish } = runtimeFor(cmd, ctx, { json: cli.json });
  // First Ctrl-C/SIGTERM: finish the steps in flight and stop at a journaled point; a second one kills (still resumable).
  const abort = new AbortController();
  const onSignal = () => {
    reporter.warn('interrupted: finishing the steps in flight (Ctrl-C again to stop at once; --resume continues either way)');
    abort.abort();
  };
  opts.signal = abort.signal;
  const deps: UpgradeDeps = {
    // virsh in its own process group: a terminal Ctrl-C reaches us, not the calls we are finishing.
    hv: libvirtPort(execFileRunner({ onFinish: onVirshFinish, detached: true })),
    source: xendSource({ xmConfigDir: await xmConfigDirOf(cli, ctx.cwd, cli.xendConfig && path.resolve(ctx.cwd, cli.xendConfig)), pathOnHost: cli.pathOnHost }),
    readDomainXml: readVerifiable,
    switchRunner: shellSwitchRunner(ctx.env),
    clock: realClock,
    // TEST-ONLY: see src/upgrade/crash-hook.ts.
    crashHook: crashHookFromEnv(ctx.env.XEND2LIBXL_TEST_CRASH_AFTER),
    onEvent: (e) => show(reporter, e),
  };
  try {
    if (!opts.dryRun && !cli.yes) await confirm(deps, opts, ctx, reporter);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const report = await runUpgrade(deps, opts);
    reporter.close();
    ctx.stdout.write(cli.json ? `${JSON.stringify(report, null, 2)}\n` : formatUpgradeReport(report));
    return exitCodeOf(report);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    reporter.close();
  }
}

export function exitCodeOf(r: UpgradeReport): number {
  if (r.interrupted) return EXIT.INTERRUPTED;
  if (r.paused) return EXIT.PAUSED;
  if (r.action === 'rollback') return r.rollback?.state === 'done' ? EXIT.OK : EXIT.FAILED;
  if (r.action === 'dry-run') return r.domains.some((d) => d.status === 'failed') ? EXIT.FAILED : EXIT.OK;
  return r.domains.some((d) => d.status === 'failed' || d.status === 'held' || d.status === 'in-progress') ? EXIT.FAILED : EXIT.OK;
}

function toCoreOptions(cli: UpgradeCliOptions & { toExplicit?: boolean }, ctx: CliContext): UpgradeOptions {
  if (!cli.backupDir) throw new UsageError('--backup-dir is required', 'name a new or empty directory outside the xend root, e.g. --backup-dir /root/xend-upgrade');
  if (cli.resume && cli.rollback) throw new UsageError('--resume and --rollback exclude each other');
  if (cli.switchCommand && cli.pauseForSwitch) throw new UsageError('--switch-command and --pause-for-switch exclude each other', 'either let the tool run the switch, or pause and do it yourself');
  if ((cli.domain?.length || cli.autostart?.length) && (cli.resume || cli.rollback)) {
    throw new UsageError(`${cli.domain?.length ? '--domain' : '--autostart'} applies when an upgrade is planned; --resume and --rollback work on the domains in the journal`);
  }
  if (cli.dryRun && (cli.resume || cli.rollback)) throw new UsageError('--dry-run plans a new upgrade; it cannot be combined with --resume or --rollback');
  if (cli.includeUnmanaged && !cli.from) throw new UsageError('--include-unmanaged needs --from', 'unmanaged domains are found by listing the old toolstack: give its URI with --from');
  if (!cli.resume && !cli.rollback && cli.from !== undefined && cli.from === cli.to && !cli.switchCommand && !cli.pauseForSwitch) {
    throw new UsageError(`--from and --to are both ${cli.to}, and no toolstack switch was asked for`, 'for an in-place upgrade add --switch-command CMD or --pause-for-switch; to move to another host give its --to');
  }
  if (!cli.resume && !cli.rollback && !cli.xendRoot) throw new UsageError('--xend-root is required', 'give the xend domains directory, e.g. --xend-root /var/lib/xend/domains');
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(ctx.cwd, p));
  const xendConfig = cli.xendConfig ?? ctx.env.XEND_CONFIG;
  return {
    xendRoot: abs(cli.xendRoot),
    xendConfig: abs(xendConfig),
    to: cli.to,
    toExplicit: cli.toExplicit,
    from: cli.from,
    backupDir: abs(cli.backupDir)!,
    dryRun: cli.dryRun,
    resume: cli.resume,
    rollback: cli.rollback,
    parallel: cli.parallel,
    shutdownTimeoutMs: cli.shutdownTimeout * 1000,
    startTimeoutMs: cli.startTimeout * 1000,
    force: cli.force,
    switchCommand: cli.switchCommand,
    pauseForSwitch: cli.pauseForSwitch,
    includeUnmanaged: cli.includeUnmanaged,
    only: cli.domain,
    autostart: cli.autostart,
  };
}

/** Changing a host needs a yes: --yes, or an answer on a terminal after seeing the plan. */
async function confirm(deps: UpgradeDeps, opts: UpgradeOptions, ctx: CliContext, reporter: Reporter): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY && ctx.stderr.isTTY);
  const what = opts.rollback ? 'roll back the upgrade' : opts.resume ? 'continue the upgrade' : 'upgrade this host';
  if (!interactive) throw new UsageError(`refusing to ${what} without confirmation`, 'add --yes (see what would happen first with --dry-run)');
  if (!opts.resume && !opts.rollback) {
    const plan = await makePlan(deps, opts);
    reporter.info(`${plan.domains.length} domain(s) planned (${plan.domains.filter((d) => d.journal.status === 'failed').length} cannot be upgraded), ${plan.warnings.length} warning(s); --dry-run shows the details`);
  }
  if (opts.resume) {
    // Shown for comparison only: what runs is the command given now (the journal never chooses what runs).
    const journaled = (await readJournal(opts.backupDir).catch(() => undefined))?.options.switchCommand;
    if (journaled !== undefined || opts.switchCommand !== undefined) reporter.info(`switch command: ${opts.switchCommand === undefined ? 'none given' : JSON.stringify(opts.switchCommand)} (the journal records ${JSON.stringify(journaled ?? null)})`);
  }
  reporter.close();
  const { confirm: ask } = await loadPrompts();
  const ok = await ask({ message: `${what} now (target ${opts.to ?? 'from the journal'}, backup in ${opts.backupDir})?`, default: false }, { output: process.stderr });
  if (!ok) throw new UsageError(`not confirmed: nothing was changed`);
}

function show(r: Reporter, e: UpgradeEvent): void {
  const msg = e.domain !== undefined ? `${e.domain}: ${e.message}` : e.message;
  if (e.level === 'warn' || e.level === 'fail') r.warn(msg);
  else if (e.level === 'debug') r.debug(msg);
  else r.info(msg);
}
