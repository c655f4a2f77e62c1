/**
 * `xend2libxl convert`: one file to stdout, or files/trees to an output
 * directory for CI (JSON/JUnit reports, exit 1 on any failure). The heavy
 * modules (converter, batch runner) are loaded only when the command runs, so
 * `--help` stays fast.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addOptions, intInRange, type OptionSpec } from '../option-spec.js';

export interface ConvertCliOptions {
  /** `--host`: the inputs and --xend-config are paths on that host, read over ssh. */
  host?: string;
  outDir?: string;
  json?: boolean;
  junit?: string;
  strict?: boolean;
  allow?: string[];
  allowFile?: string[];
  validate?: boolean;
  jobs?: number;
  force?: boolean;
  quiet?: boolean;
  xendConfig?: string;
}

export const convertOptionSpecs: OptionSpec[] = [
  { key: 'outDir', flags: '-o, --out-dir <dir>', description: 'write one <name>.xml per domain into DIR (created if missing)' },
  { key: 'json', flags: '--json', description: 'print one JSON report {results, summary} on stdout' },
  { key: 'junit', flags: '--junit <file>', description: 'also write a JUnit XML report (one testcase per input) to FILE' },
  { key: 'strict', flags: '--strict', description: 'treat warnings as failures (exit 1, no XML written for that input)' },
  { key: 'allow', flags: '--allow <codes>', description: 'with --strict: warning codes that do not fail an input (CODE[,CODE…], repeatable), so CI fails only on new kinds of loss', repeatable: true },
  { key: 'allowFile', flags: '--allow-file <file>', description: 'with --strict: read accepted warning codes from FILE (one per line, # comments)', repeatable: true },
  { key: 'validate', flags: '--validate', description: "check every XML against libvirt's domain schema (needs xmllint or virt-xml-validate)" },
  { key: 'jobs', flags: '-j, --jobs <n>', description: 'converting threads: 1 = the main thread, N > 1 = N worker threads (default: 1 below 4 cores, else cores - 1); large batches also get one thread that writes every file', parse: intInRange('--jobs', 1, 64) },
  { key: 'force', flags: '--force', description: 'replace existing <name>.xml files in the output directory' },
  { key: 'quiet', flags: '-q, --quiet', description: 'no progress and no warning lines (errors are still printed)' },
  { key: 'xendConfig', flags: '--xend-config <file>', description: "the source host's xend-config.sxp, for the defaults xend applied (vif-script, vnc-listen, vncpasswd, keymap)" },
  { key: 'host', flags: '--host <[user@]host[:port]>', description: 'the inputs and --xend-config are paths on that host, read over ssh (nothing installed there); outputs and reports are written here' },
];

export function defineConvert(cmd: Command, ctx: CliContext): void {
  cmd
    .description(
      'Convert xend domain configs (config.sxp, *.sxp, `xm list -l` output) to libvirt domain XML for the libxl driver. ' +
        'One FILE without -o: the XML on stdout; `-` reads standard input. Directories are searched for config.sxp and *.sxp; ' +
        'a multi-domain `xm list -l` dump gives one output per domain. ' +
        'Warnings go to stderr as PATH:LINE:COL: warning[CODE]: message. Exit 1 when any input failed ' +
        '(or warned, with --strict); every other input is still converted.',
    )
    .argument('<inputs...>', 'config files or directories (e.g. /var/lib/xend/domains); - for standard input');
  addOptions(cmd, convertOptionSpecs);
  cmd.action(async (inputs: string[], opts: ConvertCliOptions, self: Command) => {
    const { runConvertCommand } = await import('./convert-run.js');
    if (opts.host === undefined) return void (ctx.exitCode = await runConvertCommand(inputs, opts, ctx, self));
    const { convertOnHost } = await import('../../remote/convert-host.js');
    ctx.exitCode = await convertOnHost(opts.host, inputs, opts, ctx, (i, o, c) => runConvertCommand(i, o, c, self));
  });
}
