/**
 * `xend2libxl upgrade`: move every xend-managed domain of this host into
 * libvirt — backed up, journaled, resumable, reversible. The option specs are
 * exported so the wizard builds the same options object and can print the
 * equivalent one-line command. The body is loaded only when the command runs.
 */
import { InvalidArgumentError, type Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { addOptions, intInRange, type OptionSpec } from '../option-spec.js';

export interface UpgradeCliOptions {
  xendRoot?: string;
  xendConfig?: string;
  to: string;
  from?: string;
  backupDir?: string;
  dryRun?: boolean;
  yes?: boolean;
  resume?: boolean;
  rollback?: boolean;
  parallel: number;
  /** Seconds. */
  shutdownTimeout: number;
  /** Seconds. */
  startTimeout: number;
  force?: boolean;
  switchCommand?: string;
  pauseForSwitch?: boolean;
  includeUnmanaged?: boolean;
  /** Where the `xm create` configs live (default: next to xend-config.sxp, else /etc/xen when present). */
  xmConfigDir?: string;
  /** false with --no-xm-configs. */
  xmConfigs?: boolean;
  domain?: string[];
  autostart?: string[];
  json?: boolean;
  /** `--host`: the xend host, over ssh. */
  host?: string;
  /** Not an option: set for `--host`, maps the local copy's paths to the host's. */
  pathOnHost?: (localPath: string) => string;
}

export const DEFAULT_UPGRADE_TARGET = 'xen:///system';

function nonEmpty(flag: string): (v: string) => string {
  return (v) => {
    if (v.trim() === '') throw new InvalidArgumentError(`${flag} needs a value`);
    return v;
  };
}

export const upgradeOptionSpecs: OptionSpec[] = [
  { key: 'xendRoot', flags: '--xend-root <dir>', description: "xend's domain store, read only (e.g. /var/lib/xend/domains)", parse: nonEmpty('--xend-root') },
  { key: 'xendConfig', flags: '--xend-config <file>', description: 'xend-config.sxp for the defaults xend applied (default /etc/xen/xend-config.sxp when present)' },
  { key: 'to', flags: '--to <uri>', description: 'libvirt URI to define the domains on', default: DEFAULT_UPGRADE_TARGET, parse: nonEmpty('--to') },
  { key: 'from', flags: '--from <uri>', description: 'libvirt URI of the old toolstack while it still runs: which domains run now, shut them down, back up their XML' },
  { key: 'backupDir', flags: '--backup-dir <dir>', description: 'new or empty private directory for the backup and the journal (required)', parse: nonEmpty('--backup-dir') },
  { key: 'dryRun', flags: '--dry-run', description: 'print the ordered steps per domain and every warning; change nothing' },
  { key: 'yes', flags: '-y, --yes', description: 'do not ask for confirmation (required when not on a terminal)' },
  { key: 'resume', flags: '--resume', description: 'continue the upgrade journaled in --backup-dir (after a pause, a crash or a fix)' },
  { key: 'rollback', flags: '--rollback', description: 'undo the upgrade journaled in --backup-dir: undefine what we defined, restart what we stopped' },
  { key: 'parallel', flags: '--parallel <n>', description: 'domains handled at the same time', default: 4, parse: intInRange('--parallel', 1, 64) },
  { key: 'shutdownTimeout', flags: '--shutdown-timeout <seconds>', description: 'wait this long for a graceful shutdown; then hold the domain (or destroy it with --force)', default: 300, parse: intInRange('--shutdown-timeout', 1, 86_400) },
  { key: 'startTimeout', flags: '--start-timeout <seconds>', description: 'wait this long for a started domain to run', default: 120, parse: intInRange('--start-timeout', 1, 3_600) },
  { key: 'force', flags: '--force', description: 'destroy domains that ignore the shutdown; replace differing definitions on the target (the old one is saved)' },
  { key: 'switchCommand', flags: '--switch-command <cmd>', description: 'command line run once, through /bin/sh, to switch toolstacks (e.g. "systemctl stop xend && systemctl restart libvirtd")', parse: nonEmpty('--switch-command') },
  { key: 'pauseForSwitch', flags: '--pause-for-switch', description: 'stop after the shutdowns (exit code 3) so you can switch toolstacks yourself; then --resume' },
  { key: 'includeUnmanaged', flags: '--include-unmanaged', description: 'also take domains --from shows that have no config.sxp (xm create), from their libvirt XML' },
  { key: 'xmConfigDir', flags: '--xm-config-dir <dir>', description: 'also upgrade the `xm create` domains of the *.cfg files there, autostart from its auto/ links, read only (default: the directory of xend-config.sxp, else /etc/xen when present)' },
  { key: 'xmConfigs', flags: '--no-xm-configs', description: 'upgrade only the domains of xend\'s store, not those of xm/xl config files', default: true },
  { key: 'domain', flags: '--domain <name|uuid>', description: 'limit the upgrade to this domain (repeatable; default: all)', repeatable: true },
  {
    key: 'autostart',
    flags: '--autostart <name|uuid>',
    description: 'of domains sharing a writable disk, the one the upgrade may start and autostart (repeatable, one per group; default: the one xend had running, else none)',
    repeatable: true,
  },
  { key: 'json', flags: '--json', description: 'print the final report as JSON on stdout' },
  { key: 'host', flags: '--host <[user@]host[:port]>', description: "upgrade that host from this machine over ssh: its store is copied next to --backup-dir, --to defaults to xen+ssh://USER@HOST[:PORT]/system, --switch-command runs on the host" },
];

export function defineUpgrade(cmd: Command, ctx: CliContext): void {
  cmd
    .description(
      'Move every xend-managed domain into libvirt: back up config.sxp (+ checkpoint.chk) and XML, shut the running ' +
        'domains down gracefully (--from), switch the toolstack (--switch-command, or --pause-for-switch then --resume), ' +
        'define them on --to, verify by reading back, set autostart as xend had it and start what was running. ' +
        'Every step is journaled in --backup-dir: --resume continues after a crash or reboot, --rollback undoes. ' +
        'The xend root is never modified. Exit: 0 all done, 1 some domain needs attention, 2 usage, 3 paused.',
    );
  addOptions(cmd, upgradeOptionSpecs);
  cmd.action(async (opts: UpgradeCliOptions, self: Command) => {
    const { runUpgradeCommand } = await import('./upgrade-run.js');
    const toExplicit = self.getOptionValueSource('to') === 'cli';
    if (opts.host === undefined) return void (ctx.exitCode = await runUpgradeCommand({ ...opts, toExplicit }, ctx, self));
    const { upgradeOnHost } = await import('../../remote/upgrade-host.js');
    ctx.exitCode = await upgradeOnHost(opts.host, { ...opts, toExplicit }, ctx, (o, c) => runUpgradeCommand(o, c, self));
  });
}
