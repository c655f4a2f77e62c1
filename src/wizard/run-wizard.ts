/**
 * The wizard, screen by screen. Everything it does goes through injected
 * dependencies: prompts (real @inquirer/prompts or the test screen), host
 * detection, the inventory scan, and `execute`, which runs a command line
 * through the CLI itself — so the wizard adds no behaviour of its own, and
 * Ctrl-C during a run takes the command's own cancellation path.
 */
import type { Inventory } from '../inventory/types.js';
import type { Palette } from '../ui/color.js';
import type { Prompts } from '../ui/lazy-modules.js';
import type { Reporter } from '../ui/reporter.js';
import { formatInventoryTable } from '../inventory/format-table.js';
import { EXIT } from '../cli/exit-codes.js';
import { shellQuote } from '../cli/option-spec.js';
import type { HostFacts, WizardPath, WizardPlan } from './types.js';
import { isAvailable } from './command-specs.js';
import { renderHostFacts, xendRootPrompt } from './screens/host.js';
import { domainPrompt, runningGuestPrompt } from './screens/domains.js';
import { pathPrompt } from './screens/path.js';
import { askConvertOptions, askEvacuateOptions, askUpgradeOptions } from './screens/options.js';
import { oneLiner, renderPlan } from './screens/plan.js';
import { hostNamePrompt, runPrompt } from './screens/confirm.js';
import { renderSummary, type StepOutcome } from './screens/summary.js';
import { convertPlan, evacuatePlan, upgradePlan } from './plan.js';

export interface WizardDeps {
  prompts: Pick<Prompts, 'input' | 'select' | 'checkbox' | 'confirm'>;
  /** Screen text (tables, plan, summary). */
  write(text: string): void;
  colors: Palette;
  /** A fresh reporter for each busy phase (closed before the next prompt: ora must not hold stdin). */
  reporter(): Reporter;
  detect(xendRoot: string): Promise<HostFacts>;
  scan(xendRoot: string): Promise<Inventory>;
  /** Run `xend2libxl ARGV` through the CLI; resolves to its exit code. */
  execute(argv: string[]): Promise<number>;
  cwd: string;
  now(): Date;
  xendRoot: string;
  xendConfig?: string;
}

export async function runWizard(d: WizardDeps): Promise<number> {
  const c = d.colors;
  let facts = await busy(d, 'detecting the host', () => d.detect(d.xendRoot));
  d.write(`\n${renderHostFacts(facts, c)}\n`);
  if (!facts.xendRootExists) {
    const root = await d.prompts.input(xendRootPrompt(d.cwd));
    facts = await busy(d, 'detecting the host', () => d.detect(root.trim()));
  }

  const inventory = await busy(d, `reading ${facts.xendRoot}`, () => d.scan(facts.xendRoot));
  d.write(`\n${formatInventoryTable(inventory)}\n`);

  const path: WizardPath = await d.prompts.select(pathPrompt(facts));
  const plan = await planFor(d, path, facts, inventory);
  if (!plan) return EXIT.USAGE;

  d.write(`\n${renderPlan(plan, c)}\n`);
  const preview = await previewPlan(d, plan);
  if (preview.blocking) {
    d.write(`\nThe plan check failed (exit ${preview.code}); nothing was changed. Fix the problem above and run the wizard again.\n`);
    return preview.code;
  }
  if (preview.code === EXIT.FAILED) {
    // Exit 1 from a dry run: some domains need attention and will be held; the rest can proceed.
    d.write(`\n${c.yellow('⚠')} The dry run reports domains that need attention (above). They are held and reported; the others proceed if you confirm.\n`);
  }

  const destructive = plan.commands.some((cmd) => cmd.destructive);
  const go = destructive ? (await d.prompts.input(hostNamePrompt(facts.hostname))).trim() === facts.hostname : await d.prompts.confirm(runPrompt());
  if (!go) {
    d.write(`\nNothing was changed. To run it later without the wizard:\n  ${oneLiner(plan)}\n`);
    return EXIT.OK;
  }

  const outcomes: StepOutcome[] = [];
  for (const cmd of plan.commands) {
    d.write(`\n${c.bold(`$ xend2libxl ${shellQuote(cmd.argv)}`)}\n`);
    const exitCode = await d.execute(cmd.argv);
    outcomes.push({ command: cmd, exitCode });
    if (exitCode !== EXIT.OK) break;
  }
  d.write(`\n${renderSummary(plan, outcomes, c)}`);
  return outcomes.at(-1)?.exitCode ?? EXIT.OK;
}

async function busy<T>(d: WizardDeps, text: string, work: () => Promise<T>): Promise<T> {
  const r = d.reporter();
  const step = r.step(text);
  try {
    const v = await work();
    step.succeed();
    return v;
  } catch (e) {
    step.fail();
    throw e;
  } finally {
    r.close();
  }
}

/** Screens 3–5 for the chosen path; undefined (with the reason shown) when a command it needs is not in this build. */
async function planFor(d: WizardDeps, path: WizardPath, f: HostFacts, inv: Inventory): Promise<WizardPlan | undefined> {
  const needs = path === 'convert' ? (['convert'] as const) : path === 'upgrade' ? (['upgrade'] as const) : (['migrate', 'evacuate', 'upgrade'] as const);
  const missing = needs.filter((n) => !isAvailable(n));
  if (missing.length) {
    d.write(`\nThis path needs the ${missing.join(', ')} command, which is not available in this build yet. Nothing was changed.\n`);
    return undefined;
  }
  if (path === 'convert') {
    const chosen: string[] = await d.prompts.checkbox(domainPrompt(inv.domains));
    return convertPlan(inv, chosen, await askConvertOptions(d.prompts, d.cwd), d.xendConfig);
  }
  if (path === 'upgrade') {
    d.write('\nAfter the switch xend is gone: a domain not upgraded now is defined nowhere until you upgrade it later.\n');
    const chosen: string[] = await d.prompts.checkbox(domainPrompt(inv.domains, 'Which domains should be upgraded? (all is the safe default)'));
    return upgradePlan(f, inv, await askUpgradeOptions(d.prompts, f, d.now()), d.xendConfig, chosen);
  }
  const source = f.uris.find((u) => u.ok && u.running.length > 0);
  if (!source) return undefined;
  const guests: string[] = await d.prompts.checkbox(runningGuestPrompt(source.running, inv.domains));
  const move = await askEvacuateOptions(d.prompts, source.uri);
  d.write('\nThen the in-place upgrade of this host:\n');
  return evacuatePlan(f, inv, guests, move, await askUpgradeOptions(d.prompts, f, d.now()), d.xendConfig);
}

/**
 * Let the commands check the plan themselves (`--dry-run` changes nothing)
 * before anything is confirmed. Returns the worst exit code; stops early on a
 * usage error, and on any failed migration preflight: the upgrade after it
 * would shut down guests that were meant to leave first.
 */
async function previewPlan(d: WizardDeps, plan: WizardPlan): Promise<{ code: number; blocking: boolean }> {
  let worst: number = EXIT.OK;
  if (plan.path === 'convert') return { code: worst, blocking: false };
  for (const cmd of plan.commands) {
    const argv = [cmd.argv[0], '--dry-run', ...cmd.argv.slice(1)];
    d.write(`\n${d.colors.dim(`$ xend2libxl ${shellQuote(argv)}`)}\n`);
    const code = await d.execute(argv);
    // Only the upgrade's exit 1 ("some domains will be held") is something to proceed past.
    if (code !== EXIT.OK && !(code === EXIT.FAILED && cmd.command === 'upgrade')) return { code, blocking: true };
    worst = Math.max(worst, code);
  }
  return { code: worst, blocking: false };
}
