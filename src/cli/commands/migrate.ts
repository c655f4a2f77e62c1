/**
 * `xend2libxl migrate DOMAIN… --from URI --to URI`: p2p live migration with real
 * progress, real cancellation (Ctrl-C/SIGTERM → abort or destroy-destination, then
 * reconciliation) and a per-domain end state. `evacuate` reuses everything here.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../../errors.js';
import { type OptionSpec, addOptions, intInRange } from '../option-spec.js';
import { execFileRunner, type VirshRunner } from '../../libvirt/runner.js';
import { CANCEL_STRATEGIES, type CancelStrategy } from '../../migrate/cancel.js';
import { type DriverCaps, capsOf, checkUris, driverOfUri } from '../../migrate/driver.js';
import type { TimeoutAction } from '../../migrate/job.js';
import { MigrationBatch } from '../../migrate/batch.js';
import { preflightDomain, preflightHosts, type Check, type DomainPreflight } from '../../migrate/preflight.js';
import { type MigrationView, createMigrationView } from './migrate-view.js';
import { runtimeFor } from '../../ui/cli-runtime.js';

export interface MigrationCliOptions {
  from: string;
  to: string;
  parallel: number;
  bandwidth?: number;
  timeout?: number;
  timeoutAction: TimeoutAction;
  cancelStrategy: CancelStrategy;
  migrateUri?: string;
  assumeRate?: number;
  stallWarning: number;
  pollMs: number;
  dryRun?: boolean;
  json?: boolean;
}
export type MigrateCliOptions = MigrationCliOptions;

const positive = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n > 0)) throw new InvalidArgumentError(`${flag} needs a positive number, got '${v}'`);
  return n;
};

/** Options shared by migrate and evacuate (declared once; the wizard builds the same object). */
export const migrationOptionSpecs: OptionSpec[] = [
  { key: 'from', flags: '--from <uri>', description: 'source libvirt URI (e.g. xen+ssh://old-host/system)' },
  { key: 'to', flags: '--to <uri>', description: 'destination libvirt URI as the SOURCE daemon reaches it (p2p)' },
  { key: 'parallel', flags: '--parallel <n>', description: 'migrations at once per host (outgoing and incoming)', default: 1, parse: intInRange('--parallel', 1, 16) },
  { key: 'bandwidth', flags: '--bandwidth <MiB/s>', description: 'bandwidth cap per migration (qemu; libxl has none and says so)', parse: intInRange('--bandwidth', 1, 1_000_000) },
  { key: 'timeout', flags: '--timeout <seconds>', description: 'completion timeout per domain, then --timeout-action', parse: intInRange('--timeout', 1, 7 * 24 * 3600) },
  { key: 'timeoutAction', flags: '--timeout-action <action>', description: 'at the timeout: abort (guest stays on the source) or suspend (pause it so the copy finishes)', default: 'abort', choices: ['abort', 'suspend'] },
  { key: 'cancelStrategy', flags: '--cancel-strategy <strategy>', description: 'how Ctrl-C/timeout stops a migration: auto, abort-job, destroy-destination', default: 'auto', choices: CANCEL_STRATEGIES },
  { key: 'migrateUri', flags: '--migrate-uri <uri>', description: 'hypervisor data channel, tcp://ADDRESS[:PORT] (pick the migration network)' },
  { key: 'assumeRate', flags: '--assume-rate <MiB/s>', description: 'link rate for an estimated duration where the driver reports elapsed time only (libxl)', parse: positive('--assume-rate') },
  { key: 'stallWarning', flags: '--stall-warning <seconds>', description: 'warn when remaining memory stops shrinking this long', default: 30, parse: intInRange('--stall-warning', 1, 86_400) },
  { key: 'pollMs', flags: '--poll-ms <ms>', description: 'job statistics cadence', default: 500, parse: intInRange('--poll-ms', 100, 1000) },
  { key: 'dryRun', flags: '--dry-run', description: 'run the preflight checks, print the plan, migrate nothing' },
  { key: 'json', flags: '--json', description: 'JSON lines on stdout (events, then one result per domain and a summary)' },
];
export const migrateOptionSpecs = migrationOptionSpecs;

/** Hooks tests inject: a fake runner, and a signal source instead of the process. */
export interface MigrationDeps {
  runner?: VirshRunner;
  /** Subscribe to cancel signals; returns an unsubscribe. Default: process SIGINT/SIGTERM. */
  onSignal?: (handler: (signal: string) => void) => () => void;
}

export function registerMigrate(program: Command, ctx: CliContext, deps: MigrationDeps = {}): void {
  const cmd = program
    .command('migrate')
    .description('live-migrate domains peer-to-peer with progress, safe cancellation and reconciliation')
    .argument('<domain...>', 'domain names on the source host');
  addOptions(cmd, migrationOptionSpecs);
  cmd.action(async (domains: string[], opts: MigrationCliOptions, command: Command) => {
    ctx.exitCode = await runMigrationCommand(ctx, command, opts, () => Promise.resolve(domains), deps);
  });
}

function processSignals(handler: (signal: string) => void): () => void {
  const on = (s: NodeJS.Signals) => () => handler(s);
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  return () => {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  };
}

/** Shared by migrate and evacuate; `pickDomains` runs after the host checks. Returns the exit code. */
export async function runMigrationCommand(
  ctx: CliContext,
  command: Command,
  opts: MigrationCliOptions,
  pickDomains: (runner: VirshRunner) => Promise<string[]>,
  deps: MigrationDeps,
): Promise<number> {
  if (!opts.from || !opts.to) throw new UsageError('both --from URI and --to URI are required', 'e.g. --from xen+ssh://old-host/system --to xen+ssh://new-host/system');
  const uris = checkUris(opts.from, opts.to, opts.migrateUri);
  if (uris.errors.length) throw new UsageError(uris.errors.join('; '));
  const { reporter, onVirshFinish } = runtimeFor(command, ctx, { json: Boolean(opts.json) });
  const view = createMigrationView(ctx, reporter, { json: Boolean(opts.json) });
  // Own process group: a terminal Ctrl-C must reach only us, not the virsh calls we still need to cancel cleanly.
  const runner = deps.runner ?? execFileRunner({ onFinish: onVirshFinish, detached: true });
  const caps = capsOf(driverOfUri(opts.from));
  for (const w of uris.warnings) view.warn(w);

  // Signals are ours from the first host contact: a Ctrl-C during preflight just stops before anything starts.
  const state: RunState = { signals: 0, batch: null };
  const unsubscribe = (deps.onSignal ?? processSignals)((sig) => {
    state.signals++;
    if (state.signals === 1) view.warn(`${sig}: cancelling; waiting until every guest runs on exactly one host`);
    else view.warn(`${sig} again: still cancelling; exiting now would leave guests half-migrated, so this waits (kill -9 only if libvirt itself hangs)`);
    state.batch?.cancel('signal');
  });
  try {
    return await checkAndMigrate(opts, view, runner, caps, pickDomains, state);
  } finally {
    unsubscribe();
    view.close();
  }
}

interface RunState {
  signals: number;
  batch: MigrationBatch | null;
}

async function checkAndMigrate(
  opts: MigrationCliOptions,
  view: MigrationView,
  runner: VirshRunner,
  caps: DriverCaps,
  pickDomains: (runner: VirshRunner) => Promise<string[]>,
  state: RunState,
): Promise<number> {
  const inp = { runner, sourceUri: opts.from, destUri: opts.to, caps, bandwidthMiB: opts.bandwidth };
  const hostChecks = await preflightHosts(inp);
  view.checks('hosts', hostChecks);
  if (state.signals) return EXIT.INTERRUPTED;
  if (hostChecks.some((c: Check) => c.status === 'fail')) return EXIT.FAILED;
  const domains = await pickDomains(runner);
  const preflights: DomainPreflight[] = [];
  for (const d of domains) {
    if (state.signals) return EXIT.INTERRUPTED;
    const p = await preflightDomain(inp, d);
    view.checks(d, p.checks);
    preflights.push(p);
  }
  if (opts.dryRun) {
    view.plan(opts, preflights);
    return preflights.every((p) => p.ok) ? EXIT.OK : EXIT.FAILED;
  }
  if (state.signals) return EXIT.INTERRUPTED;

  const batch = new MigrationBatch(
    {
      runner,
      sourceUri: opts.from,
      destUri: opts.to,
      caps,
      parallel: opts.parallel,
      bandwidthMiB: opts.bandwidth,
      migrateUri: opts.migrateUri,
      timeoutSec: opts.timeout,
      timeoutAction: opts.timeoutAction,
      cancelStrategy: opts.cancelStrategy,
      pollMs: opts.pollMs,
      stallWindowMs: opts.stallWarning * 1000,
      assumedRateMiB: opts.assumeRate,
    },
    (e) => view.event(e),
  );
  state.batch = batch;
  const results = await batch.run(preflights);
  view.summary(results);
  // 130 only when the signal was honoured AND every guest is in a clean end state.
  const clean = results.every((r) => r.ok || r.notStarted || r.reconcile?.end === 'stayed');
  if (batch.cancelled === 'signal' && clean) return EXIT.INTERRUPTED;
  return results.every((r) => r.ok) ? EXIT.OK : EXIT.FAILED;
}
