/**
 * `xend2libxl wizard`: the guided path for an admin on a dom0 during a
 * maintenance window. It asks, shows the plan, then runs the ordinary commands
 * (printing each one), so everything it does can be repeated without it.
 * Prompts, ora and the scanner load only when the wizard actually starts.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addOptions, type OptionSpec } from '../option-spec.js';

export interface WizardCliOptions {
  xendRoot?: string;
  xendConfig?: string;
  probeUri?: string[];
}

export const DEFAULT_PROBE_URIS = ['xen:///system'];

export const wizardOptionSpecs: OptionSpec[] = [
  { key: 'xendRoot', flags: '--xend-root <dir>', description: "xend's domain store (default: xend-domains-path from xend-config.sxp, else /var/lib/xend/domains)" },
  { key: 'xendConfig', flags: '--xend-config <file>', description: "xend's daemon settings, for the defaults it applied (default /etc/xen/xend-config.sxp when present)" },
  { key: 'probeUri', flags: '--probe-uri <uri>', description: `libvirt URI to look for running guests on (repeatable; default ${DEFAULT_PROBE_URIS.join(', ')})`, repeatable: true },
];

export function defineWizard(cmd: Command, ctx: CliContext): void {
  cmd
    .description(
      'Interactive: detects xend and libvirt on this host, shows the inventory with its problems, lets you pick\n' +
        'domains and a path (convert only / in-place upgrade / evacuate then upgrade) with its options, shows the\n' +
        'full plan with every warning, asks you to type the host name for destructive steps, runs the ordinary\n' +
        'commands with live progress, and prints the equivalent one-line command for the next host.\n' +
        'Ctrl-C at any question exits 130 with nothing changed. Needs a terminal; in scripts use the commands.',
    );
  addOptions(cmd, wizardOptionSpecs);
  cmd.action(async (opts: WizardCliOptions, self: Command) => {
    const { runWizardCommand } = await import('./wizard-run.js');
    ctx.exitCode = await runWizardCommand(opts, ctx, self);
  });
}
