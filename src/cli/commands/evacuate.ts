/**
 * `xend2libxl evacuate --from URI --to URI`: live-migrate every active domain off a
 * host (rolling upgrade), with the same monitoring, cancellation and per-domain
 * summary as `migrate`. Exit 1 when anything stayed behind, with the reason.
 */
import { InvalidArgumentError, type Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { type OptionSpec, addOptions } from '../option-spec.js';
import { type MigrationCliOptions, type MigrationDeps, migrationOptionSpecs } from './migrate.js';

export interface EvacuateCliOptions extends MigrationCliOptions {
  /** Only domains whose name matches this glob (`*`, `?`); the rest are left alone. */
  match?: string;
}
export const evacuateOptionSpecs: OptionSpec[] = [
  ...migrationOptionSpecs,
  { key: 'match', flags: '--match <glob>', description: "only evacuate domains whose name matches (e.g. 'web-*'); others are left alone", parse: nonEmptyGlob },
];

/** Checked while the options are parsed, like every other value: an empty pattern is a usage error (exit 2). */
function nonEmptyGlob(glob: string): string {
  if (!glob.trim()) throw new InvalidArgumentError('--match needs a non-empty pattern');
  return glob;
}

/** `web-*` → /^web-.*$/; everything but * and ? is literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

export function defineEvacuate(cmd: Command, ctx: CliContext, deps: MigrationDeps = {}): void {
  cmd.description('live-migrate every running domain off a host (paused ones are reported as left behind)');
  addOptions(cmd, evacuateOptionSpecs);
  cmd.action(async (opts: EvacuateCliOptions, command: Command) => {
    // Paused guests are listed too: preflight refuses them, so they show up as "stayed behind" instead of being silently ignored.
    const only = opts.match !== undefined ? globToRegExp(opts.match) : null;
    const [{ runMigrationCommand }, { listActive }] = await Promise.all([import('./migrate-run.js'), import('../../migrate/domain-ops.js')]);
    if (opts.host !== undefined) (await import('../../remote/host-spec.js')).sourceFromHost(opts);
    ctx.exitCode = await runMigrationCommand(ctx, command, opts, async (runner) => (await listActive(runner, opts.from)).filter((d) => !only || only.test(d)), deps);
  });
}
