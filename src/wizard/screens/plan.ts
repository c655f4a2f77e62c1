/** Screen 6: the full plan — commands, their purpose, every warning, where things end up. */
import { shellQuote } from '../../cli/option-spec.js';
import { escapeControls } from '../../diagnostics.js';
import type { Palette } from '../../ui/color.js';
import type { WizardPlan } from '../types.js';

export function renderPlan(plan: WizardPlan, c: Palette): string {
  // Warnings, purposes, paths and arguments carry domain names from configs: each is escaped
  // before our own colours are added, so no control character of theirs reaches the screen.
  const e = escapeControls;
  const out = [c.bold('Plan')];
  plan.commands.forEach((cmd, i) => {
    out.push(`  ${i + 1}. ${e(cmd.purpose)}${cmd.destructive ? c.yellow('  [changes this host]') : ''}`);
    out.push(`     ${c.dim(`$ xend2libxl ${e(shellQuote(cmd.argv))}`)}`);
  });
  out.push('', c.bold(`Warnings (${plan.warnings.length})`));
  out.push(...(plan.warnings.length ? plan.warnings.map((w) => `  ${c.yellow('⚠')} ${e(w)}`) : ['  none']));
  out.push('', c.bold('Afterwards'), ...plan.artefacts.map((a) => `  ${e(a)}`));
  return `${out.join('\n')}\n`;
}

/** The equivalent command line(s) for the next host; `&&` so a failure stops the chain as it does here. */
export function oneLiner(plan: WizardPlan): string {
  return plan.commands.map((c) => `xend2libxl ${shellQuote(c.argv)}`).join(' && ');
}
