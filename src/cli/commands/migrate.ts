/**
 * `xend2libxl migrate DOMAIN… --from URI --to URI [--peer-uri URI]`: p2p live migration
 * with progress, safe cancellation (Ctrl-C/SIGTERM → abort where the driver can, else wait
 * for the end — libxl — then reconciliation) and a per-domain end state. `evacuate`
 * reuses everything here.
 */
import { type Command, InvalidArgumentError } from '../commander.js';
import type { CliContext } from '../context.js';
import { type OptionSpec, addOptions, intInRange } from '../option-spec.js';
import type { VirshRunner } from '../../libvirt/runner.js';
import { CANCEL_STRATEGIES, type CancelStrategy } from '../../migrate/cancel-strategies.js';
import type { TimeoutAction } from '../../migrate/job.js';

export interface MigrationCliOptions {
  from: string;
  /** `--host`: the source over ssh; --from defaults to its xen+ssh URI. */
  host?: string;
  to: string;
  peerUri?: string;
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
  { key: 'host', flags: '--host <[user@]host[:port]>', description: 'the source host, reached over ssh: --from defaults to xen+ssh://USER@HOST[:PORT]/system' },
  { key: 'to', flags: '--to <uri>', description: 'destination libvirt URI as this machine reaches it (checks, monitoring, reconciliation)' },
  { key: 'peerUri', flags: '--peer-uri <uri>', description: "the destination as the source's libvirtd reaches it (p2p: virsh migrate … URI); default: --to" },
  { key: 'parallel', flags: '--parallel <n>', description: 'migrations at once per host (outgoing and incoming)', default: 1, parse: intInRange('--parallel', 1, 16) },
  { key: 'bandwidth', flags: '--bandwidth <MiB/s>', description: 'bandwidth cap per migration (qemu; libxl has none and says so)', parse: intInRange('--bandwidth', 1, 1_000_000) },
  { key: 'timeout', flags: '--timeout <seconds>', description: 'completion timeout per domain, then --timeout-action', parse: intInRange('--timeout', 1, 7 * 24 * 3600) },
  { key: 'timeoutAction', flags: '--timeout-action <action>', description: 'at the timeout: abort (guest stays on the source) or suspend (pause it so the copy finishes)', default: 'abort', choices: ['abort', 'suspend'] },
  { key: 'cancelStrategy', flags: '--cancel-strategy <strategy>', description: 'how Ctrl-C/timeout stops a migration: auto (abort where the driver can, else wait: libxl), abort-job, destroy-destination (qemu only)', default: 'auto', choices: CANCEL_STRATEGIES },
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

export function defineMigrate(cmd: Command, ctx: CliContext, deps: MigrationDeps = {}): void {
  cmd
    .description('live-migrate domains peer-to-peer with progress, safe cancellation and reconciliation')
    .argument('<domain...>', 'domain names on the source host');
  addOptions(cmd, migrationOptionSpecs);
  cmd.action(async (domains: string[], opts: MigrationCliOptions, command: Command) => {
    const { runMigrationCommand } = await import('./migrate-run.js');
    if (opts.host !== undefined) (await import('../../remote/host-spec.js')).sourceFromHost(opts);
    ctx.exitCode = await runMigrationCommand(ctx, command, opts, () => Promise.resolve(domains), deps, domains);
  });
}

