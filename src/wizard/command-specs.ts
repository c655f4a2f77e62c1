/**
 * The option specs of the commands the wizard drives, read from the command
 * files themselves (one source of truth). A command whose file does not export
 * its specs yet is reported as unavailable instead of being guessed at.
 */
import type { OptionSpec } from '../cli/option-spec.js';
import { toArgv } from '../cli/option-spec.js';
import * as convertCmd from '../cli/commands/convert.js';
import * as upgradeCmd from '../cli/commands/upgrade.js';
import * as migrateCmd from '../cli/commands/migrate.js';
import * as evacuateCmd from '../cli/commands/evacuate.js';
import { Xend2LibxlError } from '../errors.js';
import type { PlannedCommand } from './types.js';

type Name = PlannedCommand['command'];

const MODULES: Record<Name, Record<string, unknown>> = {
  convert: convertCmd,
  upgrade: upgradeCmd,
  migrate: migrateCmd,
  evacuate: evacuateCmd,
};

export function specsOf(command: Name): OptionSpec[] | undefined {
  const specs = MODULES[command][`${command}OptionSpecs`];
  return Array.isArray(specs) ? (specs as OptionSpec[]) : undefined;
}

export function isAvailable(command: Name): boolean {
  return specsOf(command) !== undefined;
}

/**
 * `toArgv` for one command, refusing keys the command does not declare: a
 * renamed flag must break the wizard's tests, not silently vanish from the plan.
 */
export function argvFor(command: Name, values: Record<string, unknown>, positionals: string[] = []): string[] {
  const specs = specsOf(command);
  if (!specs) throw new Xend2LibxlError('WIZARD_COMMAND_UNAVAILABLE', `the ${command} command is not available in this build yet`);
  const known = new Set(specs.map((s) => s.key));
  const unknown = Object.keys(values).filter((k) => values[k] !== undefined && !known.has(k));
  if (unknown.length) throw new Xend2LibxlError('WIZARD_OPTION_DRIFT', `${command} has no option for ${unknown.join(', ')}`);
  return [command, ...toArgv(specs, values), ...(positionals.length ? ['--', ...positionals] : [])];
}
