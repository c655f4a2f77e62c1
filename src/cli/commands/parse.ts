/**
 * `xend2libxl parse FILE…`: read xend SXP files exactly as xend would and
 * print them back — normalised in xend's own layout, or as JSON for scripts.
 * Every file is processed; syntax errors go to stderr as PATH:LINE:COL: error:
 * MESSAGE and make the exit code 1.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addOptions, intInRange, type OptionSpec } from '../option-spec.js';

export interface ParseCliOptions {
  json: boolean;
  width: number;
}

export const parseOptionSpecs: OptionSpec[] = [
  { key: 'json', flags: '--json', description: 'print each file as one line of JSON: an array of its top-level forms (atoms are strings, lists arrays)', default: false },
  { key: 'width', flags: '-w, --width <columns>', description: 'line width of the xend layout (xend: 78 for config.sxp, 80 for `xm list -l`)', default: 78, parse: intInRange('--width', 20, 10_000) },
];

export function defineParse(cmd: Command, ctx: CliContext): void {
  cmd
    .description(
      "Read xend SXP files (config.sxp, xend-config.sxp, `xm list -l` output) with xend's exact rules.\n" +
        "Without --json each file is printed back in xend's layout; with several files each is preceded by\n" +
        'a `# FILE` comment, so the output is still valid SXP. Errors: PATH:LINE:COL: error: MESSAGE on\n' +
        'stderr. Exit 1 if any file could not be read or parsed; the other files are still printed.',
    )
    .argument('<files...>', 'SXP files to read');
  addOptions(cmd, parseOptionSpecs);
  cmd.action(async (files: string[], opts: ParseCliOptions) => {
    const { runParse } = await import('./parse-run.js');
    ctx.exitCode = await runParse(files, opts, ctx, Boolean(cmd.parent?.opts().debug));
  });
}
