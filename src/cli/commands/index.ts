/**
 * Every sub-command, in the order `--help` lists them. A command's full
 * definition (description, arguments, options, action) is loaded only when it
 * is dispatched or its help is asked for: the root `--help` needs just the
 * names and summaries below, and each definition module costs start-up time
 * (bench/startup.js: 10 fewer modules, ~7 ms of a ~30 ms budget).
 */
import { Help, type Command } from '../commander.js';
import type { CliContext } from '../context.js';

interface CommandEntry {
  name: string;
  summary: string;
  /** How the root help lists it; test/cli/help.test.ts checks it against the loaded definition. */
  term: string;
  define: () => Promise<(cmd: Command, ctx: CliContext) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'parse', term: 'parse [options] <files...>', summary: 'check xend SXP files and print them normalised (or as JSON)', define: async () => (await import('./parse.js')).defineParse },
  { name: 'convert', term: 'convert [options] <inputs...>', summary: 'convert xend config.sxp files to libvirt domain XML', define: async () => (await import('./convert.js')).defineConvert },
  { name: 'inventory', term: 'inventory [options]', summary: 'list xend-managed domains and what will break', define: async () => (await import('./inventory.js')).defineInventory },
  { name: 'upgrade', term: 'upgrade [options]', summary: 'upgrade this host from xend to libvirt: backup, shutdown, define, verify, restart', define: async () => (await import('./upgrade.js')).defineUpgrade },
  { name: 'migrate', term: 'migrate [options] <domain...>', summary: 'live-migrate domains peer-to-peer with progress, safe cancellation and reconciliation', define: async () => (await import('./migrate.js')).defineMigrate },
  { name: 'evacuate', term: 'evacuate [options]', summary: 'live-migrate every running domain off a host (paused ones are reported as left behind)', define: async () => (await import('./evacuate.js')).defineEvacuate },
  { name: 'wizard', term: 'wizard [options]', summary: 'guided host upgrade: detect, inventory, choose, review the plan, run', define: async () => (await import('./wizard.js')).defineWizard },
  { name: 'completion', term: 'completion <shell>', summary: 'print a shell completion script (bash or zsh) for every command and flag', define: async () => (await import('./completion.js')).defineCompletion },
];

const defined = new WeakSet<Command>();

/** Add every sub-command to `program` by name and summary; each is defined in full when it is dispatched. */
export function registerCommands(program: Command, ctx: CliContext): void {
  for (const e of COMMANDS) program.command(e.name).summary(e.summary);
  const terms = new Map(COMMANDS.map((e) => [e.name, e.term]));
  const standard = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => (defined.has(cmd) ? undefined : terms.get(cmd.name())) ?? standard.subcommandTerm(cmd),
  });
  program.hook('preSubcommand', (_root, sub) => defineCommand(sub, ctx));
}

/** Load and apply the full definition of a sub-command (once). */
export async function defineCommand(cmd: Command, ctx: CliContext): Promise<void> {
  const entry = COMMANDS.find((e) => e.name === cmd.name());
  if (!entry || defined.has(cmd)) return;
  defined.add(cmd);
  (await entry.define())(cmd, ctx);
}

/** Every sub-command in full (shell completion, tests). */
export async function defineAllCommands(program: Command, ctx: CliContext): Promise<void> {
  for (const cmd of program.commands) await defineCommand(cmd, ctx);
}

/**
 * `help COMMAND` prints the command's help without dispatching to it (so
 * without the preSubcommand hook): find that case in argv and define the
 * command first. argv is what follows `xend2libxl`.
 */
export async function defineForHelp(program: Command, argv: readonly string[], ctx: CliContext): Promise<void> {
  const at = argv.findIndex((a) => !a.startsWith('-') && (a === 'help' || COMMANDS.some((e) => e.name === a)));
  if (at < 0 || argv[at] !== 'help') return;
  const target = program.commands.find((c) => c.name() === argv[at + 1]);
  if (target) await defineCommand(target, ctx);
}
