/** `--dry-run`: the ordered steps each domain would go through, as data. Nothing is written or changed. */
import type { UpgradeOptions } from './context.js';
import type { PlannedDomain } from './plan.js';

export function plannedSteps(p: PlannedDomain, opts: UpgradeOptions): string[] {
  const d = p.journal;
  if (d.status === 'failed') return [`skip: ${d.error?.message ?? 'cannot be upgraded'}`];
  const to = opts.to!;
  const steps: string[] = [];
  const what = d.origin === 'xend' ? `${p.entry?.configPath}${p.entry?.checkpointPath ? ' + checkpoint.chk' : ''}, the converted XML` : `its XML from ${opts.from}`;
  steps.push(`back up ${what}${opts.from && d.fromName && d.origin === 'xend' ? `, dumpxml from ${opts.from}` : ''} into ${opts.backupDir}`);
  if (opts.from && d.fromName && d.wasRunning) {
    steps.push(`shut down on ${opts.from} (graceful, up to ${Math.round(opts.shutdownTimeoutMs / 1000)} s; then ${opts.force ? 'destroy (--force)' : 'hold and report'})`);
  } else steps.push('shut down: nothing to do (not running)');
  if (opts.switchCommand) steps.push(`switch the toolstack (once, for all domains): ${opts.switchCommand}`);
  else if (opts.pauseForSwitch) steps.push('pause for the toolstack switch (exit code 3), continue with --resume');
  steps.push(`define on ${to} (skip if already defined and equal; stop if defined differently${opts.force ? ', replace with --force' : ''})`);
  steps.push('verify: read the definition back and compare it with ours');
  if (d.startBlockedBy) steps.push(`neither start nor enable autostart: ${d.startBlockedBy}`);
  else {
    if (d.autostart) steps.push('enable autostart (xend started it with the host)');
    if (d.wasRunning) steps.push(`start on ${to} and wait until it runs`);
  }
  return steps;
}
