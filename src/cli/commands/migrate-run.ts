/**
 * The body of `migrate` and `evacuate`, loaded only when one of them runs: it pulls in
 * the whole migration stack, which `--help` and the other commands should not pay for.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../../errors.js';
import { execFileRunner, type VirshRunner } from '../../libvirt/runner.js';
import { type DriverCaps, capsOf, checkUris, driverOfUri } from '../../migrate/driver.js';
import { MigrationBatch } from '../../migrate/batch.js';
import { cannotAbortMessage } from '../../migrate/cancel.js';
import { preflightDomain, preflightHosts, type Check, type DomainPreflight } from '../../migrate/preflight.js';
import { type MigrationView, createMigrationView } from './migrate-view.js';
import { runtimeFor } from '../../ui/cli-runtime.js';
import type { MigrationCliOptions, MigrationDeps } from './migrate.js';

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
  named: readonly string[] = [],
): Promise<number> {
  if (!opts.from || !opts.to) throw new UsageError('both --from URI and --to URI are required', 'e.g. --from xen+ssh://old-host/system --to xen+ssh://new-host/system');
  const uris = checkUris(opts.from, opts.to, opts.migrateUri, opts.peerUri);
  if (uris.errors.length) throw new UsageError(uris.errors.join('; '));
  const caps = capsOf(driverOfUri(opts.from));
  if (opts.cancelStrategy === 'destroy-destination' && caps.driver === 'libxl') {
    throw new UsageError(
      '--cancel-strategy destroy-destination is refused on libxl: the destroy waits for the migration job and, when the migration ends first, destroys the guest that has just arrived (lost on both hosts)',
      'leave --cancel-strategy at auto: Ctrl-C then waits for the migration to end, a second Ctrl-C leaves without touching anything',
    );
  }
  const { reporter, onVirshFinish } = runtimeFor(command, ctx, { json: Boolean(opts.json) });
  const view = createMigrationView(ctx, reporter, { json: Boolean(opts.json) });
  // Own process group: a terminal Ctrl-C must reach only us, not the virsh calls we still need to cancel cleanly.
  const runner = deps.runner ?? execFileRunner({ onFinish: onVirshFinish, detached: true });
  for (const w of uris.warnings) view.warn(w);

  // Signals are ours from the first host contact: a Ctrl-C during preflight just stops before anything starts.
  let leave: () => void = () => {};
  const state: RunState = { signals: 0, batch: null, left: new Promise<void>((r) => (leave = r)) };
  const unsubscribe = (deps.onSignal ?? processSignals)((sig) => {
    state.signals++;
    const running = state.batch?.inFlight() ?? [];
    if (!caps.abortJob && running.length) {
      // Nothing can stop a libxl migration safely: wait; a second press leaves, touching nothing.
      if (state.signals === 1) {
        view.warn(cannotAbortMessage(caps.driver));
        view.warn(`${sig} again leaves at once without touching anything (the migration then ends on its own)`);
      } else {
        view.left(running, opts.from, opts.to);
        leave();
      }
    } else if (state.signals === 1) view.warn(`${sig}: cancelling; waiting until every guest runs on exactly one host`);
    else view.warn(`${sig} again: still cancelling; exiting now would leave guests half-migrated, so this waits (kill -9 only if libvirt itself hangs)`);
    state.batch?.cancel('signal');
  });
  try {
    return await checkAndMigrate(opts, view, runner, caps, pickDomains, state, named);
  } finally {
    unsubscribe();
    view.close();
  }
}

interface RunState {
  signals: number;
  batch: MigrationBatch | null;
  /** Settles on a second Ctrl-C while a migration that cannot be aborted runs: leave untouched. */
  left: Promise<void>;
}

async function checkAndMigrate(
  opts: MigrationCliOptions,
  view: MigrationView,
  runner: VirshRunner,
  caps: DriverCaps,
  pickDomains: (runner: VirshRunner) => Promise<string[]>,
  state: RunState,
  named: readonly string[],
): Promise<number> {
  const inp = { runner, sourceUri: opts.from, destUri: opts.to, caps, bandwidthMiB: opts.bandwidth, domains: named };
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
      peerUri: opts.peerUri,
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
  const results = await Promise.race([batch.run(preflights), state.left.then(() => null)]);
  if (!results) return EXIT.INTERRUPTED;
  view.summary(results);
  // 130 only when the signal was honoured AND every guest is in a clean end state.
  const clean = results.every((r) => r.ok || r.notStarted || r.reconcile?.end === 'stayed');
  if (batch.cancelled === 'signal' && clean) return EXIT.INTERRUPTED;
  return results.every((r) => r.ok) ? EXIT.OK : EXIT.FAILED;
}
