/**
 * `xend2libxl inventory`: what xend manages on this host and what will break.
 * The scanner is loaded only when the command runs, so `--help` stays fast.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addOptions, type OptionSpec } from '../option-spec.js';

export interface InventoryCliOptions {
  xendRoot?: string;
  xendConfig?: string;
  /** Where the `xm create` configs live; default the xend-config.sxp's directory, else /etc/xen (when present). */
  xmConfigDir?: string;
  /** false with --no-xm-configs. */
  xmConfigs?: boolean;
  json?: boolean;
  quiet?: boolean;
  host?: string;
  /** Not an option: set for `--host`, maps the local copy's paths to the host's. */
  pathOnHost?: (localPath: string) => string;
}

export const inventoryOptionSpecs: OptionSpec[] = [
  { key: 'xendRoot', flags: '--xend-root <dir>', description: "xend's domain store (default: xend-domains-path from xend-config.sxp, else /var/lib/xend/domains)" },
  { key: 'xendConfig', flags: '--xend-config <file>', description: "xend's daemon settings for the defaults it applied (default: $XEND_CONFIG or /etc/xen/xend-config.sxp when present)" },
  { key: 'xmConfigDir', flags: '--xm-config-dir <dir>', description: 'also list the unmanaged domains of `xm create`/`xl create` configs there (*.cfg, autostart from auto/ links; default: the directory of xend-config.sxp, else /etc/xen when present)' },
  { key: 'xmConfigs', flags: '--no-xm-configs', description: 'list only the domains of xend\'s store, not the xm/xl configs', default: true },
  { key: 'json', flags: '--json', description: 'print {domains, summary} as JSON on stdout' },
  { key: 'quiet', flags: '-q, --quiet', description: 'no progress lines' },
  { key: 'host', flags: '--host <[user@]host[:port]>', description: "read that host's store over ssh (nothing installed there; BatchMode, known host keys only); --xend-root/--xend-config then name paths on the host" },
];

export function defineInventory(cmd: Command, ctx: CliContext): void {
  cmd
    .description(
      "Read every <uuid>/config.sxp under xend's domain store and report name, uuid, type, memory, vCPUs, " +
        'disks, autostart and problems (uuid/directory mismatch, suspended by xend, unreadable or truncated ' +
        'files, shared writable disks, duplicate names/uuids/MACs, conversion warnings). Exit 1 when any ' +
        'entry has an error.',
    );
  addOptions(cmd, inventoryOptionSpecs);
  cmd.action(async (opts: InventoryCliOptions, self: Command) => {
    const { runInventoryCommand } = await import('./inventory-run.js');
    if (opts.host === undefined) return void (ctx.exitCode = await runInventoryCommand(opts, ctx, self));
    const { withRemoteStore } = await import('../../remote/cli-store.js');
    ctx.exitCode = await withRemoteStore(opts.host, opts, ctx, (store, remoteCtx) => runInventoryCommand({ ...opts, ...store.options }, remoteCtx, self));
  });
}
