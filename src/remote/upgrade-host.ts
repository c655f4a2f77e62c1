/**
 * `upgrade --host`: the upgrade runs on this machine against a xend host over
 * ssh. The host's store is copied once, next to the backup directory
 * (`<backup-dir>.host-store`, 0700), and stays there: the journal names that
 * copy, so --resume and --rollback read the same store again without the host
 * (xend's store is never changed by an upgrade). --to defaults to the host's
 * libxl over ssh; --switch-command runs on the host, through its own ssh
 * connection (it is journaled, and may run again on --resume). Backup and
 * journal stay on this machine.
 */
import path from 'node:path';
import type { CliContext } from '../cli/context.js';
import type { UpgradeCliOptions } from '../cli/commands/upgrade.js';
import { UsageError } from '../errors.js';
import { withRemoteStore } from './cli-store.js';
import { parseHostSpec, xenSshUri } from './host-spec.js';
import { sshCommandLine } from './session.js';

type Options = UpgradeCliOptions & { toExplicit?: boolean };

export async function upgradeOnHost(hostArg: string, opts: Options, ctx: CliContext, run: (opts: Options, ctx: CliContext) => Promise<number>): Promise<number> {
  const host = parseHostSpec(hostArg);
  if (!opts.backupDir) throw new UsageError('--backup-dir is required', 'a new, private directory on this machine, e.g. --backup-dir /root/xend2libxl-backup-dom0');
  const to = opts.toExplicit ? opts.to : xenSshUri(host);
  const switchCommand = opts.switchCommand === undefined ? undefined : sshCommandLine(host, ['/bin/sh', '-c', opts.switchCommand], ctx.env);
  const place = opts.dryRun ? undefined : { dir: `${path.resolve(ctx.cwd, opts.backupDir)}.host-store`, reuse: Boolean(opts.resume || opts.rollback) };
  return withRemoteStore(
    hostArg,
    opts,
    ctx,
    (store, remoteCtx) => run({ ...opts, ...store.options, to, toExplicit: true, switchCommand }, remoteCtx),
    {},
    place,
  );
}
