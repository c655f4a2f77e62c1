/**
 * `xend2libxl parse FILE…`: read xend SXP files exactly as xend would and
 * print them back — normalised in xend's own layout, or as JSON for scripts.
 * Every file is processed; syntax errors go to stderr as PATH:LINE:COL: error:
 * MESSAGE and make the exit code 1.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addOptions, intInRange, type OptionSpec } from '../option-spec.js';
import { reportError } from '../report-error.js';
import { Xend2LibxlError } from '../../errors.js';

export interface ParseCliOptions {
  json: boolean;
  width: number;
}

export const parseOptionSpecs: OptionSpec[] = [
  { key: 'json', flags: '--json', description: 'print each file as one line of JSON: an array of its top-level forms (atoms are strings, lists arrays)', default: false },
  { key: 'width', flags: '-w, --width <columns>', description: 'line width of the xend layout (xend: 78 for config.sxp, 80 for `xm list -l`)', default: 78, parse: intInRange('--width', 20, 10_000) },
];

export function registerParse(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('parse')
    .summary('check xend SXP files and print them normalised (or as JSON)')
    .description(
      "Read xend SXP files (config.sxp, xend-config.sxp, `xm list -l` output) with xend's exact rules.\n" +
        "Without --json each file is printed back in xend's layout; with several files each is preceded by\n" +
        'a `# FILE` comment, so the output is still valid SXP. Errors: PATH:LINE:COL: error: MESSAGE on\n' +
        'stderr. Exit 1 if any file could not be read or parsed; the other files are still printed.',
    )
    .argument('<files...>', 'SXP files to read');
  addOptions(cmd, parseOptionSpecs);
  cmd.action(async (files: string[], opts: ParseCliOptions) => {
    ctx.exitCode = await runParse(files, opts, ctx, Boolean(program.opts().debug));
  });
}

export async function runParse(files: string[], opts: ParseCliOptions, ctx: CliContext, debug = false): Promise<number> {
  // Loaded here so that `--help` does not pay for building the grammar.
  const { parseSxp, toPlain, writeSxp } = await import('../../sxp/index.js');
  let code: number = EXIT.OK;
  for (const file of files) {
    try {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path.resolve(ctx.cwd, file));
      } catch (e) {
        throw unreadable(e as NodeJS.ErrnoException, file);
      }
      const doc = parseSxp(bytes, { file });
      if (opts.json) ctx.stdout.write(JSON.stringify(doc.forms.map(toPlain)) + '\n');
      else ctx.stdout.write((files.length > 1 ? `# ${file}\n` : '') + writeSxp(doc, { width: opts.width }));
    } catch (e) {
      code = e instanceof Xend2LibxlError && e.file !== undefined ? reportFileError(e, ctx, debug) : reportError(e, ctx, debug);
    }
  }
  return code;
}

function unreadable(e: NodeJS.ErrnoException, file: string): Xend2LibxlError {
  const reasons: Record<string, [string, string | undefined]> = {
    ENOENT: ['no such file', undefined],
    EISDIR: ['is a directory', 'name the config.sxp files inside it'],
    EACCES: ['permission denied', 'xend stored config.sxp as root-only (0600); run as root'],
  };
  const [reason, hint] = reasons[e.code ?? ''] ?? [e.message, undefined];
  return new Xend2LibxlError('FILE_UNREADABLE', `cannot read file: ${reason}`, { file, hint, cause: e });
}

/**
 * Issue 2 fixes the compiler format for syntax errors, `PATH:LINE:COL: error: MESSAGE`,
 * so editors and CI annotators can jump to the spot; the hint follows on its own line.
 */
function reportFileError(e: Xend2LibxlError, ctx: CliContext, debug: boolean): number {
  const where = e.position ? `${e.file}:${e.position.line}:${e.position.column}` : e.file;
  ctx.stderr.write(`${where}: error: ${e.message}\n`);
  if (e.hint) ctx.stderr.write(`hint: ${e.hint}\n`);
  if (debug && e.stack) ctx.stderr.write(`${e.stack}\n`);
  return EXIT.FAILED;
}
