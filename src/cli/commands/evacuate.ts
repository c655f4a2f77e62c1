/**
 * `xend2libxl evacuate --from URI --to URI`: live-migrate every active domain off a
 * host (rolling upgrade), with the same monitoring, cancellation and per-domain
 * summary as `migrate`. Exit 1 when anything stayed behind, with the reason.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addOptions } from '../option-spec.js';
import { listActive } from '../../migrate/domain-ops.js';
import { type MigrationCliOptions, type MigrationDeps, migrationOptionSpecs, runMigrationCommand } from './migrate.js';

export type EvacuateCliOptions = MigrationCliOptions;
export const evacuateOptionSpecs = migrationOptionSpecs;

export function registerEvacuate(program: Command, ctx: CliContext, deps: MigrationDeps = {}): void {
  const cmd = program.command('evacuate').description('live-migrate every running domain off a host (paused ones are reported as left behind)');
  addOptions(cmd, evacuateOptionSpecs);
  cmd.action(async (opts: EvacuateCliOptions, command: Command) => {
    // Paused guests are listed too: preflight refuses them, so they show up as "stayed behind" instead of being silently ignored.
    ctx.exitCode = await runMigrationCommand(ctx, command, opts, (runner) => listActive(runner, opts.from), deps);
  });
}
