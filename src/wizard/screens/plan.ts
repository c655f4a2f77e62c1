/** Screen 6: the full plan — commands, their purpose, every warning, where things end up. */
import { shellQuote } from '../../cli/option-spec.js';
import { escapeControls } from '../../diagnostics.js';
import type { Palette } from '../../ui/color.js';
import type { WizardPlan } from '../types.js';

export function renderPlan(plan: WizardPlan, c: Palette): string {
  const out = [c.bold('Plan')];
  plan.commands.forEach((cmd, i) => {
    out.push(`  ${i + 1}. ${cmd.purpose}${cmd.destructive ? c.yellow('  [changes this host]') : ''}`);
    out.push(`     ${c.dim(`$ xend2libxl ${shellQuote(cmd.argv)}`)}`);
  });
  out.push('', c.bold(`Warnings (${plan.warnings.length})`));
  out.push(...(plan.warnings.length ? plan.warnings.map((w) => `  ${c.yellow('⚠')} ${w}`) : ['  none']));
  out.push('', c.bold('Afterwards'), ...plan.artefacts.map((a) => `  ${a}`));
  // Warnings, purposes and paths carry domain names from configs: no raw control character on screen.
  return `${out.map(escapeControls).join('\n')}\n`;
}

/** The equivalent command line(s) for the next host; `&&` so a failure stops the chain as it does here. */
export function oneLiner(plan: WizardPlan): string {
  return plan.commands.map((c) => `xend2libxl ${shellQuote(c.argv)}`).join(' && ');
}
