/**
 * The command-line front end: argv → typed options → one core call per command.
 * Commands live in ./commands (one file each); this file wires them up and owns
 * the mapping from errors to messages and exit codes. The core never prints.
 */
import { Command, CommanderError } from 'commander';
import { CliContext, processContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { reportError } from './report-error.js';
import { registerCommands } from './commands/index.js';
import { finishUi, logSinkOf, prepareUi } from '../ui/cli-runtime.js';
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
  // Log file and (only for live output) ora are set up once the command is known, so --help loads neither.
  program.hook('preAction', (_root, actionCmd) => prepareUi(actionCmd, ctx, argvOf(program)));
  // Sub-commands inherit the output and exit handling of the root.
  for (const cmd of program.commands) {
    cmd.configureOutput(program.configureOutput()).exitOverride().showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

const VERSION = '0.1.0';

const argvOf = (program: Command): string[] => (program as unknown as { rawArgs?: string[] }).rawArgs ?? [];

/** Run the CLI; resolves to the process exit code. Never calls process.exit. */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  let code: number = EXIT.FAILED;
  try {
    code = await runProgram(program, argv, ctx);
    return code;
  } finally {
    finishUi(ctx, code);
  }
}

async function runProgram(program: Command, argv: string[], ctx: CliContext): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exitCode 0.
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      return EXIT.USAGE;
    }
    logSinkOf(ctx)?.write('ERROR', err instanceof Error ? (err.stack ?? err.message) : String(err));
    return reportError(err, ctx, Boolean(program.opts().debug) || argv.includes('--debug'), program.opts().color !== false);
  }
}
