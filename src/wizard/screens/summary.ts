/** Screen 8: what happened, where the backup/journal/output is, and the command for the next host. */
import type { Palette } from '../../ui/color.js';
import { EXIT } from '../../cli/exit-codes.js';
import type { PlannedCommand, WizardPlan } from '../types.js';
import { oneLiner } from './plan.js';
import { shellQuote } from '../../cli/option-spec.js';

export interface StepOutcome {
  command: PlannedCommand;
  exitCode: number;
}

const MEANING: Record<number, string> = {
  [EXIT.OK]: 'done',
  [EXIT.FAILED]: 'failed for at least one domain (see above)',
  [EXIT.USAGE]: 'refused: bad options, nothing done',
  [EXIT.PAUSED]: 'paused on purpose (awaiting the toolstack switch)',
  [EXIT.INTERRUPTED]: 'cancelled; safe state reached',
};

export function renderSummary(plan: WizardPlan, outcomes: readonly StepOutcome[], c: Palette): string {
  const out = [c.bold('Summary')];
  for (const [i, cmd] of plan.commands.entries()) {
    const o = outcomes[i];
    const state = !o ? c.dim('not run') : o.exitCode === EXIT.OK ? c.green(MEANING[0]) : c.yellow(MEANING[o.exitCode] ?? `exit ${o.exitCode}`);
    out.push(`  ${i + 1}. ${cmd.command.padEnd(8)} ${state}`);
  }
  const paused = outcomes.some((o) => o.exitCode === EXIT.PAUSED);
  if (paused) out.push('', '  Next: switch the toolstack (stop xend, start libvirtd with libxl), then continue with:', `    xend2libxl ${resumeCommand(plan)}`);
  out.push('', ...plan.artefacts.map((a) => `  ${a}`));
  out.push('', c.bold('The same, without the wizard (for the next host):'), `  ${oneLiner(plan)}`);
  return `${out.join('\n')}\n`;
}

function resumeCommand(plan: WizardPlan): string {
  const upgrade = plan.commands.find((c) => c.command === 'upgrade');
  const i = upgrade?.argv.indexOf('--backup-dir') ?? -1;
  return i >= 0 && upgrade ? shellQuote(['upgrade', '--backup-dir', upgrade.argv[i + 1], '--resume']) : 'upgrade --resume';
}
