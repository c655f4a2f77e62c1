/** The inventory command's body, loaded on demand. */
import path from 'node:path';
import { formatInventoryTable, summaryLine } from '../../inventory/format-table.js';
import { scanXendRoot } from '../../inventory/scan.js';
import type { Inventory, InventoryEntry } from '../../inventory/types.js';
import { DEFAULT_DOMAINS_PATH, loadXendConfig } from '../../inventory/xend-config.js';
import type { Command } from 'commander';
import { globalUiOptions, logSinkOf, reporterFor } from '../../ui/cli-runtime.js';
import { formatDiagnostic } from '../../diagnostics.js';
import { createReporter, type ProgressHandle } from '../../ui/reporter.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { InventoryCliOptions } from './inventory.js';
import { xmConfigDirOf } from './xm-config-dir.js';

export async function runInventoryCommand(cliOpts: InventoryCliOptions, ctx: CliContext, cmd?: Command): Promise<number> {
  const opts = { ...cliOpts, quiet: cliOpts.quiet || (cmd ? globalUiOptions(cmd).quiet : false) };
  // Like xend itself, honour $XEND_CONFIG when no file is named.
  const configArg = opts.xendConfig ?? ctx.env.XEND_CONFIG;
  const xendConfig = await loadXendConfig(configArg === undefined ? undefined : path.resolve(ctx.cwd, configArg));
  const root = opts.xendRoot !== undefined ? path.resolve(ctx.cwd, opts.xendRoot) : (xendConfig?.domainsPath ?? DEFAULT_DOMAINS_PATH);
  const xmConfigDir = await xmConfigDirOf(opts, ctx.cwd, xendConfig?.file);

  const reporter = cmd ? reporterFor(cmd, ctx, { quiet: opts.quiet, json: opts.json }) : createReporter(ctx, { quiet: opts.quiet, json: opts.json });
  const label = `reading ${root}`;
  // Created at the first entry, when the walk knows how many there are (count, % and ETA then come for free).
  let progress: ProgressHandle | undefined;
  let inv: Inventory;
  try {
    inv = await scanXendRoot({
      root,
      defaults: xendConfig?.defaults,
      xendConfig: xendConfig?.file,
      xmConfigDir,
      storeOptional: opts.xendRoot === undefined,
      pathOnHost: opts.pathOnHost,
      onEntry: (_e, i, total) => (progress ??= reporter.progress(label, total)).update(i),
    });
  } catch (e) {
    (progress ?? reporter.progress(label)).fail();
    reporter.close();
    throw e;
  }
  const finished = progress ?? reporter.progress(label);
  // Exit 1 on errors: the closing line must not say "ok".
  if (inv.summary.error > 0) finished.fail(summaryLine(inv));
  else finished.done(summaryLine(inv));
  if (inv.summary.domains === 0) reporter.warn(`no domains in ${root}: it has no <uuid>/ subdirectories; is this xend's domain store (xend-domains-path)?`);
  reporter.close();
  // The log holds everything the terminal shows: the problems are in the table on stdout.
  const log = logSinkOf(ctx);
  for (const e of inv.domains) for (const p of e.problems) log?.write(p.severity === 'error' ? 'ERROR' : 'WARN', formatDiagnostic({ ...p, file: e.path }));

  ctx.stdout.write(opts.json ? `${JSON.stringify({ domains: inv.domains.map(jsonEntry), summary: inv.summary }, null, 2)}\n` : formatInventoryTable(inv));
  return inv.summary.error > 0 ? EXIT.FAILED : EXIT.OK;
}

/** Key order for readers of the JSON: identity and verdict first. */
function jsonEntry(e: InventoryEntry) {
  return {
    path: e.path,
    uuid: e.uuid ?? null,
    name: e.name ?? null,
    status: e.status,
    problems: e.problems,
    directoryUuid: e.directoryUuid,
    source: e.source ?? 'store',
    type: e.type ?? null,
    memoryMiB: e.memoryMiB ?? null,
    maxMemoryMiB: e.maxMemoryMiB ?? null,
    vcpus: e.vcpus ?? null,
    autostart: e.autostart ?? null,
    state: e.state,
    checkpointBytes: e.checkpointBytes ?? null,
    disks: e.disks,
    macs: e.macs,
  };
}
