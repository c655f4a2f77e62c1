/**
 * `--resume` continues with the options the upgrade was started with (kept in
 * the journal); a flag given again must agree, so a typo cannot point half an
 * upgrade at another host.
 */
import { UsageError } from '../errors.js';
import type { UpgradeOptions } from './context.js';
import type { Journal } from './journal.js';

export function resumeOptions(given: UpgradeOptions, j: Journal): UpgradeOptions {
  const o = j.options;
  const clash = (flag: string, a: string | undefined, b: string | undefined) => {
    if (a !== undefined && b !== undefined && a !== b) {
      throw new UsageError(`${flag} ${a} differs from the upgrade being resumed (${b})`, `omit ${flag} with --resume, or use a new --backup-dir for a different upgrade`);
    }
  };
  clash('--to', given.toExplicit ? given.to : undefined, o.to);
  clash('--from', given.from, o.from);
  clash('--xend-root', given.xendRoot, o.xendRoot);
  if (given.pauseForSwitch && o.switchMode !== 'pause') throw new UsageError('--pause-for-switch can only be chosen when the upgrade starts');
  // The switch command is given again with --resume (the journal's is only shown, never run).
  if (given.switchCommand !== undefined && o.switchMode !== 'command') {
    throw new UsageError('--switch-command with --resume needs an upgrade started with --switch-command', 'after --pause-for-switch, switch yourself and run --resume');
  }
  return {
    ...given,
    xendRoot: o.xendRoot,
    xendConfig: given.xendConfig ?? o.xendConfig,
    to: o.to,
    from: o.from,
    includeUnmanaged: o.includeUnmanaged,
    // Never the journal's: see adoptSwitchCommand.
    switchCommand: given.switchCommand,
    pauseForSwitch: o.switchMode === 'pause',
  };
}
