/**
 * The command-line front end: argv → typed options → one core call per command.
 * Commands live in ./commands (one file each, loaded when used); this file wires them up and owns
 * the mapping from errors to messages and exit codes. The core never prints.
 */
import { Command, CommanderError } from './commander.js';
import { CliContext, processContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { defineForHelp, registerCommands } from './commands/index.js';
import { addHelpExamples } from '../ui/help-examples.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('xend2libxl')
    .description('Move Xen hosts off xend onto libvirt\'s libxl driver: read xend SXP configs,\nconvert them, upgrade hosts in place and live-migrate domains.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'show stack traces for unexpected errors')
    .option('-v, --verbose', 'more detail on stderr: debug messages and every virsh call')
    .option('-q, --quiet', 'no progress output; warnings and errors only')
    .option('--log-file <file>', 'append full detail (every step, every virsh argv and its stderr) to FILE')
    .option('--no-color', 'no ANSI colours (also: NO_COLOR=1; FORCE_COLOR=1 forces them)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
      outputError: (s, write) => write(s.startsWith('error:') ? `xend2libxl: ${s}` : s),
    })
    .exitOverride();
  registerCommands(program, ctx);
  addHelpExamples(program);
  // Log file, reporter and (only for live output) ora are set up once a command is about to run,
  // so `--help`, `--version` and usage errors load none of them (bench/startup.js).
  program.hook('preAction', async (_root, actionCmd) => {
    uiRuntime = await import('../ui/cli-runtime.js');
    await uiRuntime.prepareUi(actionCmd, ctx, argvOf(program));
  });
  // Sub-commands inherit the output and exit handling of the root.
  for (const cmd of program.commands) {
    cmd.configureOutput(program.configureOutput()).exitOverride().showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

const VERSION = '0.1.0';

/** The UI runtime, once a command's action is about to run (see the preAction hook). */
let uiRuntime: typeof import('../ui/cli-runtime.js') | undefined;

const argvOf = (program: Command): string[] => (program as unknown as { rawArgs?: string[] }).rawArgs ?? [];

/** Run the CLI; resolves to the process exit code. Never calls process.exit. */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  let code: number = EXIT.FAILED;
  try {
    code = await runProgram(program, argv, ctx);
    return code;
  } finally {
    uiRuntime?.finishUi(ctx, code);
  }
}

async function runProgram(program: Command, argv: string[], ctx: CliContext): Promise<number> {
  try {
    await defineForHelp(program, argv, ctx);
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exitCode 0.
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      return EXIT.USAGE;
    }
    uiRuntime?.logSinkOf(ctx)?.write('ERROR', err instanceof Error ? (err.stack ?? err.message) : String(err));
    // Only failing runs pay for loading the error formatter.
    const { reportError } = await import('./report-error.js');
    return reportError(err, ctx, Boolean(program.opts().debug) || argv.includes('--debug'), program.opts().color !== false);
  }
}
