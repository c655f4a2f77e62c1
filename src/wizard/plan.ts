/**
 * Answers → the exact commands to run, plus every warning the admin must see.
 * Pure: no I/O, so the plan screen, the run and the printed one-liner can never
 * disagree.
 */
import path from 'node:path';
import type { Inventory, InventoryEntry } from '../inventory/types.js';
import type { ConvertAnswers, EvacuateAnswers, UpgradeAnswers } from './screens/options.js';
import { argvFor } from './command-specs.js';
import { shellQuote } from '../cli/option-spec.js';
import type { HostFacts, PlannedCommand, WizardPlan } from './types.js';

/** Must match JOURNAL_FILE in src/upgrade/journal.ts (the summary points the admin at it). */
const JOURNAL_FILE = 'journal.json';

function problemLines(entries: readonly InventoryEntry[]): string[] {
  return entries.flatMap((e) => e.problems.map((p) => `${e.name ?? e.directoryUuid}: ${p.severity === 'error' ? 'error' : 'warning'}[${p.code}] ${p.message}`));
}

export function convertPlan(inv: Inventory, selectedPaths: readonly string[], a: ConvertAnswers, xendConfig?: string): WizardPlan {
  const chosen = inv.domains.filter((e) => selectedPaths.includes(e.path));
  // Everything chosen: the store itself is the input (a short command line, even for thousands of domains).
  const inputs = chosen.length === inv.domains.length ? [inv.summary.root] : chosen.map((e) => e.path);
  const cmd: PlannedCommand = {
    command: 'convert',
    argv: argvFor('convert', { outDir: a.outDir, strict: a.strict, xendConfig }, inputs),
    destructive: false,
    purpose: `write ${chosen.length} libvirt domain XML file(s) to ${a.outDir}`,
  };
  return { path: 'convert', commands: [cmd], warnings: problemLines(chosen), artefacts: [`XML files: ${a.outDir}`] };
}

/** Domains the upgrade can take (the ones with errors are held by the upgrade itself). */
function upgradable(inv: Inventory): InventoryEntry[] {
  return inv.domains.filter((e) => e.status !== 'error');
}

/**
 * `--domain` only when a subset is chosen; identified by uuid, since names can
 * clash in a xend store (the inventory reports that) and uuids cannot.
 */
function domainFilter(inv: Inventory, chosenPaths: readonly string[] | undefined): string[] | undefined {
  if (!chosenPaths) return undefined;
  const all = upgradable(inv);
  if (all.every((e) => chosenPaths.includes(e.path))) return undefined;
  return all.filter((e) => chosenPaths.includes(e.path)).map((e) => e.uuid ?? e.directoryUuid);
}

function upgradeValues(inv: Inventory, a: UpgradeAnswers, xendConfig: string | undefined, chosenPaths?: readonly string[]): Record<string, unknown> {
  return {
    xendRoot: inv.summary.root,
    xendConfig,
    xmConfigDir: inv.summary.xmConfigs ? inv.summary.xmConfigDir : undefined,
    backupDir: a.backupDir,
    from: a.from,
    to: a.to,
    shutdownTimeout: a.shutdownTimeout,
    parallel: a.parallel,
    switchCommand: a.switchMode === 'command' ? a.switchCommand : undefined,
    pauseForSwitch: a.switchMode === 'pause' ? true : undefined,
    domain: domainFilter(inv, chosenPaths),
    // The wizard's typed confirmation is the confirmation; the next host's one-liner needs it too.
    yes: true,
  };
}

function upgradeCommand(inv: Inventory, a: UpgradeAnswers, xendConfig: string | undefined, chosenPaths?: readonly string[]): PlannedCommand {
  const filter = domainFilter(inv, chosenPaths);
  const what = filter ? `${filter.length} chosen domain(s)` : `every domain in the store (${inv.summary.domains})`;
  return {
    command: 'upgrade',
    argv: argvFor('upgrade', upgradeValues(inv, a, xendConfig, chosenPaths)),
    destructive: true,
    purpose: `back up, shut down, switch and define ${what} on ${a.to}${a.switchMode === 'pause' ? ' (pauses for you to switch the toolstack)' : ''}`,
  };
}

function upgradeWarnings(f: HostFacts, inv: Inventory, a: UpgradeAnswers, chosenPaths?: readonly string[]): string[] {
  // Without a --domain filter the upgrade reads the whole store (and holds the broken entries): show them all.
  const taken = domainFilter(inv, chosenPaths) ? inv.domains.filter((e) => chosenPaths!.includes(e.path)) : inv.domains;
  const w = problemLines(taken);
  const left = chosenPaths ? upgradable(inv).filter((e) => !chosenPaths.includes(e.path)) : [];
  if (left.length) w.push(`${left.map((e) => e.name ?? e.directoryUuid).join(', ')} not chosen: after the switch they are defined nowhere (their config.sxp stays in the store; upgrade them later with --domain)`);
  const errors = taken.filter((e) => e.status === 'error').length;
  if (errors) w.push(`${errors} domain(s) have errors: the upgrade holds them and reports them; fix them first if they matter`);
  if (f.xendPid && a.switchMode === 'command') w.push(`xend (pid ${f.xendPid}) is running: the switch command must stop it`);
  if (!a.from) w.push('no --from connection: running guests are not shut down by the upgrade; make sure none run');
  else w.push(`every chosen guest running on ${a.from} is shut down for the switch: downtime until it is restarted under libxl`);
  return w;
}

export function upgradePlan(f: HostFacts, inv: Inventory, a: UpgradeAnswers, xendConfig?: string, chosenPaths?: readonly string[]): WizardPlan {
  return {
    path: 'upgrade',
    commands: [upgradeCommand(inv, a, xendConfig, chosenPaths)],
    warnings: upgradeWarnings(f, inv, a, chosenPaths),
    artefacts: [
      `backup: ${a.backupDir}`,
      `journal: ${path.join(a.backupDir, JOURNAL_FILE)} (continue: xend2libxl ${shellQuote(['upgrade', '--backup-dir', a.backupDir, '--resume'])}; undo: … --rollback)`,
    ],
  };
}

/**
 * Migrated guests leave with `--persistent --undefinesource`: they are defined
 * on the destination, so the upgrade that follows must not define them here
 * again (two persistent definitions of one guest on shared storage is how disks
 * get corrupted). It takes only what stays.
 */
export function evacuatePlan(f: HostFacts, inv: Inventory, guests: readonly string[], e: EvacuateAnswers, u: UpgradeAnswers, xendConfig?: string): WizardPlan {
  const running = f.uris.find((p) => p.uri === e.from)?.running ?? [];
  const everything = running.length > 0 && running.every((n) => guests.includes(n));
  const values = { from: e.from, to: e.to, parallel: e.parallel };
  const move: PlannedCommand = everything
    ? { command: 'evacuate', argv: argvFor('evacuate', values), destructive: true, purpose: `live-migrate every running guest (${running.length}) from ${e.from} to ${e.to}` }
    : { command: 'migrate', argv: argvFor('migrate', values, [...guests]), destructive: true, purpose: `live-migrate ${guests.join(', ')} from ${e.from} to ${e.to}` };
  const byName = new Map(inv.domains.map((d) => [d.name, d]));
  const stayPaths = upgradable(inv).filter((d) => !guests.includes(d.name ?? '')).map((d) => d.path);
  const stay = running.filter((n) => !guests.includes(n));
  const warnings = [
    ...problemLines(guests.map((g) => byName.get(g)).filter((d): d is InventoryEntry => Boolean(d))),
    ...guests.filter((g) => !byName.has(g)).map((g) => `${g}: not in the xend store; after migration it is defined only on ${e.to}`),
    ...(guests.some((g) => byName.has(g)) ? [`migrated domains are left out of the upgrade (they are defined on ${e.to} now); their config.sxp stays in the store untouched`] : []),
    ...(stay.some((n) => byName.has(n)) ? [`${stay.filter((n) => byName.has(n)).join(', ')} stay(s) on this host: the upgrade shuts them down for the switch`] : []),
    ...stay
      .filter((n) => !byName.has(n))
      .map((n) => `${n} stays on this host and is not in the xend store: the upgrade leaves it alone, and after the switch it is gone unless you migrate it too or run upgrade --include-unmanaged`),
  ];
  if (stayPaths.length === 0) {
    warnings.push('no domain is left for the in-place upgrade: after the migration, switch the toolstack yourself (stop xend, start libvirtd)');
    return { path: 'evacuate', commands: [move], warnings, artefacts: [`migrated to: ${e.to}`] };
  }
  return {
    path: 'evacuate',
    commands: [move, upgradeCommand(inv, u, xendConfig, stayPaths)],
    warnings: [...warnings, ...upgradeWarnings(f, inv, u, stayPaths)],
    artefacts: [`migrated to: ${e.to}`, ...upgradePlan(f, inv, u, xendConfig, stayPaths).artefacts],
  };
}
